import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiClient,
  crm,
  type CrmWithReceiver,
  crmWithReceiver,
  loopbackAddress,
  openCourse,
  REPO_ROOT,
  staffToken,
  waitFor,
  type WebhookPayload,
} from '@otus/testing';
import { type Connection, createConnection } from 'mongoose';
import { rawRequest } from './support/gateway-instance';
import { apply, conclude, env, type Started } from './support/journey-steps';

/**
 * The CRM keeps what it exists to collect (issue: CRM & compliance, part 2): the signed PDF with
 * its API key (its own applications only), the timeline of events, and the short-lived URL the
 * `contract.signed` webhook carries instead of the file — through the gateway, as the CRM and as an
 * attacker would ask.
 */

let amo: CrmWithReceiver['amo'];
let receiver: CrmWithReceiver['receiver'];
let webhooksFor: CrmWithReceiver['webhooksFor'];
let staff: ApiClient;
let mongo: Connection;
let started: Started;
let signed: WebhookPayload;
let staffPdf: Buffer;

/** Each simulated caller from a loopback address of its own: the gateway's limits count it alone. */
const someone = () => new ApiClient(env.GATEWAY_URL).from(loopbackAddress());
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const audit = async (applicationId: string) =>
  (await staff.get(`/api/contract/contracts/${applicationId}/audit`)).body as { action: string; actor: string }[];

beforeAll(async () => {
  ({ amo, receiver, webhooksFor } = await crmWithReceiver());
  staff = new ApiClient(env.GATEWAY_URL, await staffToken());
  mongo = await createConnection(env.CONTRACT_MONGO_URL).asPromise();
  const course = await openCourse();
  started = await apply(amo, course.code);
  await conclude(amo, started);
  [signed] = await waitFor('the contract.signed webhook', () => {
    const found = webhooksFor(started.applicationId).filter((p) => p.type === 'contract.signed');
    return found.length > 0 && found;
  });
  const fromStaff = await staff.download(`/api/contract/contracts/${started.applicationId}/documents/signed`);
  expect(fromStaff.status).toBe(200);
  staffPdf = fromStaff.bytes;
}, 3 * 60_000);

afterAll(async () => {
  await receiver.close();
  await mongo.close();
});

const signedUrlPath = () => new URL(signed.data.signedDocumentUrl as string).pathname;
const tokenOf = (path: string) => path.split('/').at(-1)!;

describe('the contract.signed webhook carries a short-lived URL, not the file', () => {
  it('which gives the signed PDF to anyone holding it, for an hour, and is audited', async () => {
    expect(signed.data.signedDocumentUrl).toMatch(
      new RegExp(`^${env.GATEWAY_URL}/api/contract/public/documents/[A-Za-z0-9_-]{43}$`),
    );
    const expiresIn = Date.parse(signed.data.signedDocumentUrlExpiresAt as string) - Date.now();
    expect(expiresIn).toBeGreaterThan(50 * 60_000);
    expect(expiresIn).toBeLessThanOrEqual(60 * 60_000);

    const pdf = await someone().download(signedUrlPath());
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(pdf.headers.get('cache-control')).toBe('no-store');
    expect(pdf.bytes.equals(staffPdf)).toBe(true);
    const trail = (await audit(started.applicationId)).map((e) => [e.action, e.actor]);
    expect(trail).toContainEqual(['download-link.issued', 'system']);
    expect(trail).toContainEqual(['document.downloaded', 'download-link']);
    // The token reaches no log, of the gateway or the service: both show the request masked.
    for (const log of ['gateway-access', 'contract']) {
      const text = await waitFor(`the download in ${log}.log`, () => {
        const read = readFileSync(join(REPO_ROOT, `.stack/logs/${log}.log`), 'utf8');
        return read.includes('/public/documents/[REDACTED]') && read;
      });
      expect(text).not.toContain(tokenOf(signedUrlPath()));
    }
    // Only the token's hash is stored.
    const stored = await mongo.collection('download_links').findOne({ _id: sha256(tokenOf(signedUrlPath())) as never });
    expect(stored).toMatchObject({ applicationId: started.applicationId, documentId: signed.data.signedDocumentId });
    expect(JSON.stringify(stored)).not.toContain(tokenOf(signedUrlPath()));
  });

  it('opens nothing once expired, altered or never issued: one answer for all', async () => {
    const token = tokenOf(signedUrlPath());
    const altered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const path of [
      `/api/contract/public/documents/${altered}`,
      `/api/contract/public/documents/${'x'.repeat(43)}`,
      '/api/contract/public/documents/not-a-token',
    ]) {
      const refused = await someone().get(path);
      expect([path, refused.status, refused.body.code]).toEqual([path, 410, 'DOWNLOAD_LINK_INVALID']);
    }
    // The original, after its hour: the same answer.
    const { modifiedCount } = await mongo
      .collection('download_links')
      .updateOne({ _id: sha256(token) as never }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
    expect(modifiedCount).toBe(1);
    const expired = await someone().get(signedUrlPath());
    expect([expired.status, expired.body.code]).toEqual([410, 'DOWNLOAD_LINK_INVALID']);
    expect(expired.body.message).toMatch(/API key/);
  });

  it('is rate-limited per address, whatever the case or suffix of the path', async () => {
    const caller = loopbackAddress();
    const token = 'y'.repeat(43);
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        rawRequest(env.GATEWAY_URL, 'GET', `/api/contract/public/documents/${token}`, {}, caller),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 429).every((s) => s === 410)).toBe(true);
    // Spelt otherwise: either the path reaches no document (case-sensitive routes, staff-only
    // elsewhere), or it reaches the download route and is counted by the same limit.
    for (const path of [
      `/api/contract/public/Documents/${token}`,
      `/api/contract/PUBLIC/documents/${token}`,
      `/api/contract/public/documents/${token}/extra`,
      `/api/contract/public/%64ocuments/${token}`,
      `/api/contract//public/documents/${token}`,
    ]) {
      const from = loopbackAddress();
      const spelt = await Promise.all(
        Array.from({ length: 30 }, () => rawRequest(env.GATEWAY_URL, 'GET', path, {}, from)),
      );
      const codes = new Set(spelt.map((a) => a.status));
      expect([path, [...codes].every((c) => [401, 404, 410, 429].includes(c))]).toEqual([path, true]);
      if (codes.has(410)) expect([path, codes.has(429)]).toEqual([path, true]);
    }
  });
});

describe('with its API key the CRM fetches', () => {
  it('its own signed PDF, and nobody else does', async () => {
    const path = `/applications/${started.crmApplicationId}/documents/signed`;
    const own = await amo.download(path);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(own.bytes.equals(staffPdf)).toBe(true);
    expect((await audit(started.applicationId)).map((e) => e.actor)).toContain(`crm:${amo.clientId}`);

    const other = await crm();
    const theirs = await other.download(path);
    expect(theirs.status).toBe(404);
    expect(JSON.parse(theirs.bytes.toString()).code).toBe('APPLICATION_NOT_FOUND');
    // As an attacker would spell it: never the PDF.
    const otherAtGateway = other.at(env.GATEWAY_URL);
    for (const spelt of [
      `/api/contract/applications/${started.crmApplicationId}/documents/signed/`,
      `/api/contract/Applications/${started.crmApplicationId}/documents/signed`,
      `/api/contract/applications/${encodeURIComponent(started.crmApplicationId)}/documents/%73igned`,
      `/api/contract//applications/${started.crmApplicationId}/documents/signed`,
      `/api/contract/contracts/${started.applicationId}/documents/signed`,
    ]) {
      const answer = await otherAtGateway.download(spelt);
      expect([spelt, answer.status === 200]).toEqual([spelt, false]);
      expect(answer.bytes.toString('latin1')).not.toContain('%PDF');
    }
    const anonymous = await someone().download(`/api/contract${path}`);
    expect(anonymous.status).toBe(401);
  });

  it('the status and timeline of its application, oldest first, with nothing personal', async () => {
    const { status, body } = await amo.get(`/applications/${started.crmApplicationId}/timeline`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      applicationId: started.applicationId,
      crmApplicationId: started.crmApplicationId,
      status: 'CONCLUDED',
      outcome: 'CONCLUDED',
    });
    const events = body.events as { seq: number; at: string; action: string; by: string }[];
    const actions = events.map((e) => e.action);
    // link.sent is reported once the e-mail went out, so a quick client may submit before it is recorded.
    expect(actions).toContain('link.sent');
    for (const [earlier, later] of [
      ['application.created', 'link.sent'],
      ['application.created', 'client-data.submitted'],
      ['client-data.submitted', 'contract.signed'],
    ]) {
      expect(actions.indexOf(earlier)).toBeGreaterThanOrEqual(0);
      expect(actions.indexOf(earlier)).toBeLessThan(actions.indexOf(later));
    }
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.every((e) => ['client', 'crm', 'staff', 'system', 'download-link'].includes(e.by))).toBe(true);
    expect(Object.keys(events[0]).sort()).toEqual(['action', 'at', 'by', 'seq']);
    const text = JSON.stringify(body);
    for (const personal of [started.email, '127.', 'Петров', 'userAgent', '"ip"']) expect(text).not.toContain(personal);

    const other = await crm();
    const theirs = await other.get(`/applications/${started.crmApplicationId}/timeline`);
    expect([theirs.status, theirs.body.code]).toEqual([404, 'APPLICATION_NOT_FOUND']);
  });
});
