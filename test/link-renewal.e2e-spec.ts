import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiClient,
  type CrmWithReceiver,
  crmWithReceiver,
  loopbackAddress,
  openCourse,
  type ReceivedMail,
  staffToken,
  waitFor,
  waitForMails,
} from '@otus/testing';
import { rawRequest } from './support/gateway-instance';
import {
  apply,
  conclude,
  engine,
  env,
  incidentsEver,
  reachSigning,
  timesRun,
  tokenIn,
  waitingIn,
} from './support/journey-steps';

/**
 * A client whose link no longer opens asks for a new one from the link page (issue: lifecycle
 * control, "ask for a new link"): through the gateway, as the page does and as an attacker holding
 * an old link would. The stack runs with the defaults: one renewal at once by e-mail
 * (CONTRACT_LINK_SELF_RENEWALS=1), then up to three requests passed to the school
 * (CONTRACT_LINK_RENEWAL_REQUESTS=3) as `link.renewal-requested` webhooks.
 */

const RENEWALS = '/api/contract/public/link-renewals';
let manager: ApiClient;
let staff: ApiClient;
let amo: CrmWithReceiver['amo'];
let receiver: CrmWithReceiver['receiver'];
let webhooksFor: CrmWithReceiver['webhooksFor'];

beforeAll(async () => {
  manager = new ApiClient(env.GATEWAY_URL, await staffToken({ roles: ['manager'], exact: true }));
  staff = new ApiClient(env.GATEWAY_URL, await staffToken());
  ({ amo, receiver, webhooksFor } = await crmWithReceiver());
});

afterAll(async () => {
  await receiver.close();
});

/** Each simulated client calls from a loopback address of its own: the gateway's limit counts it alone. */
const someone = () => new ApiClient(env.GATEWAY_URL).from(loopbackAddress());
const renew = (token: string, client = someone()) => client.post(RENEWALS, { token });
const exchange = (token: string) => someone().post('/api/user/client-links/exchange', { token });
/** Whether a link opens, without opening it (the link stays "never opened"). */
const preview = (token: string) => someone().post('/api/user/client-links/preview', { token });
const linkMails = (mails: ReceivedMail[]) => mails.filter((m) => /\/l\/[A-Za-z0-9_-]+/.test(m.text));

const webhookTypes = (applicationId: string) => webhooksFor(applicationId).map((p) => p.type);
const webhooksUntil = (applicationId: string, type: string, count = 1) =>
  waitFor(`${count} webhook(s) ${type} for ${applicationId}`, () => {
    const found = webhooksFor(applicationId).filter((p) => p.type === type);
    return found.length >= count && found;
  });
const audit = async (applicationId: string) =>
  (await staff.get(`/api/contract/contracts/${applicationId}/audit`)).body as {
    action: string;
    actor: string;
    details?: Record<string, unknown>;
  }[];

/** An application waiting for its form whose first link was replaced by a second (staff asked). */
async function withReplacedLink() {
  const course = await openCourse();
  const started = await apply(amo, course.code);
  const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData');
  const [first] = await waitForMails(started.email, 1);
  expect((await manager.post(`/api/contract/contracts/${started.applicationId}/reissue-link`, {})).status).toBe(204);
  const second = linkMails(await waitForMails(started.email, 2)).find((m) => tokenIn(m) !== tokenIn(first))!;
  return { started, processInstanceId, replaced: tokenIn(first), current: tokenIn(second) };
}

describe('a client asks for a new link', () => {
  it('with a replaced link: a new one at once, then through the school, then no more; none once the newer is in use', async () => {
    const { started, processInstanceId, replaced, current } = await withReplacedLink();

    // The current link opens: nothing to renew.
    const stillValid = await renew(current);
    expect([stillValid.status, stillValid.body.code]).toEqual([409, 'LINK_STILL_VALID']);

    // First request, the newer link never opened (lost): a new link by e-mail, to the address the school has.
    const first = await renew(replaced);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ result: 'reissued', sentTo: expect.stringMatching(/^\w\*\*\*@/) });
    const third = linkMails(await waitForMails(started.email, 3)).find(
      (m) => ![replaced, current].includes(tokenIn(m)),
    )!;
    expect((await exchange(current)).status).toBe(410);
    expect((await preview(tokenIn(third))).status).toBe(200);
    await webhooksUntil(started.applicationId, 'link.reissued', 2);

    // Later requests go to the school: a webhook, no e-mail; three of them, then a clear refusal.
    for (let n = 1; n <= 3; n++) {
      const passed = await renew(replaced);
      expect([passed.status, passed.body.result]).toEqual([202, 'passed-on']);
      const [event] = (await webhooksUntil(started.applicationId, 'link.renewal-requested', n)).slice(-1);
      expect(event).toMatchObject({ outcome: 'LINK_RENEWAL_REQUESTED', final: false, data: { stage: 'form' } });
    }
    const refused = await renew(replaced);
    expect([refused.status, refused.body.code]).toEqual([429, 'LINK_RENEWAL_LIMIT_REACHED']);
    expect(linkMails(await waitForMails(started.email, 3))).toHaveLength(3);

    // Once the client opened the newest link, the old e-mail is sent to it: nothing replaced or asked.
    expect((await exchange(tokenIn(third))).status).toBe(200);
    const inUse = await renew(replaced);
    expect([inUse.status, inUse.body.code]).toEqual([409, 'LINK_REPLACED']);
    expect(inUse.body.details).toEqual({ sentTo: first.body.sentTo });
    expect((await exchange(tokenIn(third))).status).toBe(200);

    // The model shows which way each went; the application still waits for its form.
    expect(await timesRun(processInstanceId, 'Gateway_RenewalAtForm')).toBe(4);
    expect(await timesRun(processInstanceId, 'End_RenewalPassedOnAtForm')).toBe(3);
    expect(await timesRun(processInstanceId, 'Task_ReissueLinkAtForm')).toBe(2);
    await waitingIn(started.applicationId, 'Task_WaitClientData');
    expect(await incidentsEver(processInstanceId)).toEqual([]);

    // Each accepted request is in the audit chain, by the client, with where it went.
    const asked = (await audit(started.applicationId)).filter((e) => e.action === 'link.renewal-requested');
    expect(asked.map((e) => [e.actor, e.details?.via, e.details?.renewal])).toEqual([
      ['client', 'replaced', 'reissue'],
      ['client', 'replaced', 'ask-school'],
      ['client', 'replaced', 'ask-school'],
      ['client', 'replaced', 'ask-school'],
    ]);
    expect(webhookTypes(started.applicationId).filter((t) => t === 'link.renewal-requested')).toHaveLength(3);
  });

  it('in parallel from several addresses: one new link, the rest to the school, never more than allowed', async () => {
    const { started, processInstanceId, replaced } = await withReplacedLink();
    const answers = await Promise.all(Array.from({ length: 5 }, () => renew(replaced)));
    const outcomes = answers.map((a) => (a.status === 202 ? a.body.result : a.body.code)).sort();
    expect(outcomes).toEqual(['LINK_RENEWAL_LIMIT_REACHED', 'passed-on', 'passed-on', 'passed-on', 'reissued']);
    await webhooksUntil(started.applicationId, 'link.renewal-requested', 3);
    expect(linkMails(await waitForMails(started.email, 3))).toHaveLength(3);
    expect(await timesRun(processInstanceId, 'Task_ReissueLinkAtForm')).toBe(2);
    expect(await incidentsEver(processInstanceId)).toEqual([]);
  });

  it('while the signature is awaited: the new link opens the signing page until the signing deadline', async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    await waitingIn(started.applicationId, 'Task_WaitClientData');
    const [first] = await waitForMails(started.email, 1);
    const client = await reachSigning(started);
    const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitSignature');
    const before = await waitForMails(started.email, 2);
    expect((await amo.post(`/applications/${started.crmApplicationId}/reissue-link`, {})).status).toBe(204);
    await waitForMails(started.email, before.length + 1);

    const renewed = await renew(tokenIn(first));
    expect([renewed.status, renewed.body.result]).toEqual([202, 'reissued']);
    const mails = linkMails(await waitForMails(started.email, before.length + 2));
    const newest = mails[mails.length - 1];
    expect((await exchange(tokenIn(newest))).status).toBe(200);
    expect(await timesRun(processInstanceId, 'Task_ReissueLinkAtSigning')).toBe(2);

    // Once signed, there is nothing to renew, and the page says so.
    await conclude(amo, started, client);
    const signed = await renew(tokenIn(first));
    expect([signed.status, signed.body.code]).toEqual([409, 'CONTRACT_SIGNED']);
  });

  it('of an application that ended: refused, nothing sent', async () => {
    const { started, replaced } = await withReplacedLink();
    const cancelled = await manager.post(`/api/contract/contracts/${started.applicationId}/cancel`, {
      reasonCode: 'CLIENT_REQUEST',
    });
    expect(cancelled.status).toBe(202);
    await webhooksUntil(started.applicationId, 'application.cancelled');
    const refused = await renew(replaced);
    expect([refused.status, refused.body.code]).toEqual([409, 'APPLICATION_ENDED']);
    expect(webhookTypes(started.applicationId)).not.toContain('link.renewal-requested');
    expect((await audit(started.applicationId)).map((e) => e.action)).not.toContain('link.renewal-requested');
  });
});

describe('an application started on a model version before renewals', () => {
  const MODEL = readFileSync(join(__dirname, '../bpmn/contract-conclusion.bpmn'), 'utf8');
  // The same model, except that it does not catch LinkRenewalRequested (as the version before it).
  const BEFORE_RENEWALS = MODEL.replace('name="LinkRenewalRequested"', 'name="NotInThisVersion"');

  it('gets its one new link by e-mail through the older reissue path, then is told to ask the school', async () => {
    expect(BEFORE_RENEWALS).not.toBe(MODEL);
    const course = await openCourse();
    let started: Awaited<ReturnType<typeof apply>>;
    let processInstanceId: string;
    const file = 'contract-conclusion.bpmn';
    await engine.deploy(`before-renewals-${randomUUID()}`, { [file]: BEFORE_RENEWALS });
    try {
      started = await apply(amo, course.code);
      processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData');
    } finally {
      await engine.deploy(`current-${randomUUID()}`, { [file]: MODEL });
    }
    const xml = await engine.request<{ bpmn20Xml: string }>(
      'GET',
      `/process-definition/${(await engine.request<{ definitionId: string }>('GET', `/process-instance/${processInstanceId}`)).definitionId}/xml`,
    );
    expect(xml.bpmn20Xml).toContain('NotInThisVersion');

    const [first] = await waitForMails(started.email, 1);
    // Staff send a new link (that older model has the path): the first one is replaced.
    expect((await manager.post(`/api/contract/contracts/${started.applicationId}/reissue-link`, {})).status).toBe(204);
    const second = linkMails(await waitForMails(started.email, 2)).find((m) => tokenIn(m) !== tokenIn(first))!;

    const renewed = await renew(tokenIn(first));
    expect([renewed.status, renewed.body.result]).toEqual([202, 'reissued']);
    const third = linkMails(await waitForMails(started.email, 3)).find(
      (m) => ![tokenIn(first), tokenIn(second)].includes(tokenIn(m)),
    )!;
    expect((await preview(tokenIn(third))).status).toBe(200);
    expect(await timesRun(processInstanceId, 'Task_ReissueLinkAtForm')).toBe(2);

    const refused = await renew(tokenIn(first));
    expect([refused.status, refused.body.code]).toEqual([429, 'LINK_RENEWAL_LIMIT_REACHED']);
    expect(refused.body.message).toMatch(/school/);
    await waitingIn(started.applicationId, 'Task_WaitClientData');
    expect(await incidentsEver(processInstanceId)).toEqual([]);
    expect(webhookTypes(started.applicationId)).not.toContain('link.renewal-requested');
    const asked = (await audit(started.applicationId)).filter((e) => e.action === 'link.renewal-requested');
    expect(asked.map((e) => e.details?.renewal)).toEqual(['reissue']);
  });
});

describe('what an attacker tries', () => {
  it('a token never issued, or not a token: 410 or 400, the same for any of them', async () => {
    const unknown = await renew('A'.repeat(43));
    expect([unknown.status, unknown.body.code]).toEqual([410, 'LINK_UNKNOWN']);
    const malformed = await someone().post(RENEWALS, { token: { $ne: null } });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('is counted per address by the gateway, whatever the spelling of the path', async () => {
    const client = someone();
    const paths = [
      RENEWALS,
      `${RENEWALS}/`,
      '/api/contract/public/link%2Drenewals',
      `//api/contract//public/link-renewals`,
    ];
    const answers = await Promise.all(
      Array.from({ length: 16 }, (_, i) =>
        rawRequest(
          env.GATEWAY_URL,
          'POST',
          paths[i % paths.length],
          { 'content-type': 'application/json' },
          client.localAddress,
          JSON.stringify({ token: 'B'.repeat(43) }),
        ),
      ),
    );
    const statuses = answers.map((a) => a.status);
    // burst 5 + the rate's own: at most 6 reach the service (each answers 410), the rest the gateway's 429.
    expect(statuses.filter((s) => s === 410).length).toBeLessThanOrEqual(6);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(10);
    expect(statuses.every((s) => s === 410 || s === 429)).toBe(true);
    const limited = answers.find((a) => a.status === 429)!;
    expect(JSON.parse(limited.body)).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
  });

  it('another case of the path is no route (the service routes case-sensitively)', async () => {
    const answer = await someone().post('/api/contract/public/Link-Renewals', { token: 'C'.repeat(43) });
    expect(answer.status).toBe(404);
  });
});
