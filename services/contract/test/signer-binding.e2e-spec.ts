import { createConnection, type Connection } from 'mongoose';
import {
  admin,
  ApiClient,
  application,
  clientSession,
  crmWithReceiver,
  type CrmWithReceiver,
  loopbackAddress,
  mailsTo,
  openCourse,
  stackEnv,
  validForm,
  waitFor,
} from '@otus/testing';

const env = stackEnv();
const MINUTE = 60_000;

/**
 * The reproductions of the trusted-signature issue, each now failing for the attacker: the
 * signer is whom the CRM named, guessing is bounded per application, and the gateway's limit
 * on codes really applies. All through the gateway, as the client and the attacker call.
 */
let course: { code: string };
let crm: CrmWithReceiver;
let mongo: Connection;

beforeAll(async () => {
  course = await openCourse({ title: 'Тестирование на Python', priceKopecks: 5_000_000 });
  crm = await crmWithReceiver();
  mongo = await createConnection(env.CONTRACT_MONGO_URL).asPromise();
});
afterAll(async () => {
  await crm.receiver.close();
  await mongo.close();
});

/**
 * A client at the signing page. The caps tests send more code requests than the gateway's
 * per-address limit lets through in a minute, so they talk to the service (`via: 'service'`);
 * the gateway's own limit has its test below.
 */
async function atSigning(
  via: 'gateway' | 'service' = 'service',
): Promise<{ id: string; client: ApiClient; email: string }> {
  const dto = application(course.code);
  const { status, body } = await crm.amo.post('/applications', dto);
  expect(status).toBe(201);
  const client = await clientSession(body.applicationId, { via });
  expect((await client.post('/form', validForm())).status).toBe(204);
  await waitFor('the draft', async () => (await client.get('')).body.state === 'SIGNING', { timeoutMs: MINUTE });
  return { id: body.applicationId, client, email: dto.clientEmail };
}

const codeMails = async (email: string) =>
  (await mailsTo(email)).filter((m) => m.subject.startsWith('Код для подписания'));

async function newestCode(email: string, count: number): Promise<string> {
  const mails = await waitFor(`${count} code e-mail(s)`, async () => {
    const found = await codeMails(email);
    return found.length >= count && found;
  });
  return /\b(\d{6})\b/.exec(mails[count - 1].text)![1];
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

/** The resend pause and the code's life are minutes long; the test moves the stored code back in time instead. */
async function age(applicationId: string, fields: { sentAt?: boolean; expired?: boolean }): Promise<void> {
  const past = new Date(Date.now() - 10 * MINUTE);
  await mongo
    .collection('signing_codes')
    .updateOne(
      { applicationId },
      { $set: { ...(fields.sentAt ? { sentAt: past } : {}), ...(fields.expired ? { expiresAt: past } : {}) } },
    );
}

describe('the signer is whom the CRM named', () => {
  it('refuses a form that names another address, and the code goes to the CRM’s address only', async () => {
    const dto = application(course.code, { clientEmail: `victim-${Date.now()}@example.test` });
    const attacker = `attacker-${Date.now()}@example.test`;
    const { body } = await crm.amo.post('/applications', dto);
    const client = await clientSession(body.applicationId);

    // The old attack: the form's e-mail replaced the CRM's, and the code followed it.
    const swapped = await client.post('/form', validForm({ email: attacker }));
    expect(swapped.status).toBe(400);
    expect(swapped.body.details.map((d: { field: string }) => d.field)).toEqual(['email']);

    expect((await client.post('/form', validForm())).status).toBe(204);
    await waitFor('the draft', async () => (await client.get('')).body.state === 'SIGNING', { timeoutMs: MINUTE });
    const sent = await client.post('/signing-code');
    expect(sent.status).toBe(200);
    const code = await newestCode(dto.clientEmail, 1);
    expect((await client.post('/signature', { signingCode: code })).status).toBe(204);
    expect(await mailsTo(attacker)).toEqual([]);

    // Opening the page is audited once, however often the client comes back.
    const opened = await mongo
      .collection('audit_events')
      .countDocuments({ applicationId: body.applicationId, action: 'link.opened' });
    expect(opened).toBe(1);

    // The audit names where the code went, masked.
    const sentEvent = await mongo
      .collection('audit_events')
      .findOne({ applicationId: body.applicationId, action: 'signing-code.sent' });
    expect(sentEvent?.details).toMatchObject({ sentTo: `v***@example.test` });
  });
});

describe('guessing is bounded per application', () => {
  it('locks signing after three codes of five tries, tells the CRM by a signed webhook, and staff unlock it', async () => {
    const { id, client, email } = await atSigning();
    const statuses: number[] = [];
    for (let n = 1; n <= 3; n++) {
      if (n > 1) await age(id, { sentAt: true });
      expect((await client.post('/signing-code')).status).toBe(200);
      const code = await newestCode(email, n);
      for (let i = 0; i < 5; i++) statuses.push((await client.post('/signature', { signingCode: wrong(code) })).status);
    }
    // Two codes run out of tries (423 CODE_LOCKED each), the last one locks signing.
    expect(statuses).toEqual([422, 422, 422, 422, 423, 422, 422, 422, 422, 423, 422, 422, 422, 422, 423]);
    const view = await client.get('');
    expect(view.body.state).toBe('SIGNING_LOCKED');
    const refused = await client.post('/signing-code');
    expect([refused.status, refused.body.code]).toEqual([423, 'SIGNING_LOCKED']);
    expect(await codeMails(email)).toHaveLength(3);

    const [locked] = await waitFor('the signing.locked webhook', async () => {
      const found = crm.webhooksFor(id).filter((w) => w.type === 'signing.locked');
      return found.length > 0 && found;
    });
    expect(locked).toMatchObject({ outcome: 'SIGNING_LOCKED', outcomeReason: 'TRIES_EXHAUSTED' });

    // Staff unlock, once; the client gets a new allowance and signs.
    const staff = await admin();
    expect((await staff.post(`/api/contract/contracts/${id}/signing/unlock`)).status).toBe(204);
    const again = await staff.post(`/api/contract/contracts/${id}/signing/unlock`);
    expect([again.status, again.body.code]).toEqual([409, 'SIGNING_NOT_LOCKED']);
    const unlocked = await mongo.collection('audit_events').findOne({ applicationId: id, action: 'signing.unlocked' });
    expect(unlocked?.actor).toMatch(/^staff:/);
    await age(id, { sentAt: true });
    const fresh = await client.post('/signing-code');
    expect(fresh.status).toBe(200);
    expect(fresh.body).toMatchObject({ codesLeft: 2, signingLocked: false });
    expect((await client.post('/signature', { signingCode: await newestCode(email, 4) })).status).toBe(204);
  });

  it('locks when a fourth code is asked for after the third can no longer sign; the CRM may not unlock', async () => {
    const { id, client, email } = await atSigning();
    for (let n = 1; n <= 3; n++) {
      if (n > 1) await age(id, { sentAt: true });
      expect((await client.post('/signing-code')).status).toBe(200);
      await newestCode(email, n);
    }
    // While the third code can still sign, a fourth is refused without locking.
    await age(id, { sentAt: true });
    const useIt = await client.post('/signing-code');
    expect([useIt.status, useIt.body.code]).toEqual([429, 'CODE_LIMIT_REACHED']);
    await age(id, { expired: true });
    const locked = await client.post('/signing-code');
    expect([locked.status, locked.body.code]).toEqual([423, 'SIGNING_LOCKED']);
    const [webhook] = await waitFor('the signing.locked webhook', async () => {
      const found = crm.webhooksFor(id).filter((w) => w.type === 'signing.locked');
      return found.length > 0 && found;
    });
    expect(webhook.outcomeReason).toBe('CODES_EXHAUSTED');
    // Unlocking is for staff: the CRM's key does not reach it, nor does the client's session.
    expect((await crm.amo.post(`/contracts/${id}/signing/unlock`)).status).toBe(401);
    const viaClient = await client.at(env.GATEWAY_URL).post(`/api/contract/contracts/${id}/signing/unlock`);
    expect(viaClient.status).toBe(401);
  });

  it('locks once when the last wrong tries arrive in parallel', async () => {
    const { id, client, email } = await atSigning();
    for (let n = 1; n <= 3; n++) {
      if (n > 1) await age(id, { sentAt: true });
      expect((await client.post('/signing-code')).status).toBe(200);
      const code = await newestCode(email, n);
      await Promise.all(Array.from({ length: 8 }, () => client.post('/signature', { signingCode: wrong(code) })));
    }
    expect((await client.get('')).body.state).toBe('SIGNING_LOCKED');
    const locks = await mongo
      .collection('audit_events')
      .countDocuments({ applicationId: id, action: 'signing.locked' });
    expect(locks).toBe(1);
  });
});

describe('the gateway limits codes and signatures per address', () => {
  it('answers 429 itself, whatever the case, slashes or parallelism of the path', async () => {
    const { id } = await atSigning('gateway');
    // One attacker, one address of its own; the session is the client's.
    const gateway = (await clientSession(id)).from(loopbackAddress()).at(env.GATEWAY_URL);
    const paths = [
      `/client/api/applications/${id}/signature`,
      `/client/api/applications/${id}/Signature/`,
      `/client/api/applications/${id}/SIGNING-CODE`,
      `/client/${id}/signature`,
      `//client/api/applications/${id}//signature`,
    ];
    const answers = await Promise.all(
      Array.from({ length: 25 }, (_, i) => gateway.post(paths[i % paths.length], { signingCode: '000000' })),
    );
    const fromGateway = answers.filter((a) => a.status === 429 && a.body?.code === 'TOO_MANY_REQUESTS');
    // Burst 10 at 30/min: at least the last ten of 25 at once are the gateway's.
    expect(fromGateway.length).toBeGreaterThanOrEqual(10);
    // It says when to try again, as the services' own limits do.
    expect(new Set(fromGateway.map((a) => a.headers.get('retry-after')))).toEqual(new Set(['2']));
    // Another address is not affected.
    const other = await gateway.from(loopbackAddress()).post(`/client/api/applications/${id}/signature`, {
      signingCode: '000000',
    });
    expect(other.status).not.toBe(429);
  });
});
