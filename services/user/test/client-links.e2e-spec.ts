import { randomUUID } from 'node:crypto';
import { SealedBox, CLIENT_LINK_SEAL_CONTEXT } from '@otus/common';
import { ApiClient, EngineApi, oneTaskProcess, stackEnv, waitFor } from '@otus/testing';
import { DataSource } from 'typeorm';

/**
 * Client links through the real engine and gateway: the worker issues the link, the token
 * never appears in Camunda's variables or history, and the exchange gives a session cookie.
 */
const env = stackEnv();
const engine = new EngineApi(env.CAMUNDA_REST_URL);
const users = new ApiClient(`${env.GATEWAY_URL}/api/user`);
const box = new SealedBox(env.CLIENT_LINK_SEAL_KEYS);
const PROCESS = 'client-link-test';
const BPMN = oneTaskProcess({ key: PROCESS, topic: 'user.issue-client-link' });
const EXTEND = 'extend-client-link-test';
const EXTEND_BPMN = oneTaskProcess({ key: EXTEND, topic: 'user.extend-client-link' });

const HOUR = 3_600_000;
const CABINET = 30 * 24 * HOUR; // USER_CABINET_ACCESS's default, which the stack keeps

const HOLDER = { clientName: 'Петрова Анна Сергеевна', clientEmail: 'anna.petrova@example.test' };

let db: DataSource;

/** A form deadline as course.check-availability writes it: a whole-second ISO instant. */
const deadlineIn = (ms: number) => new Date(Math.floor((Date.now() + ms) / 1000) * 1000).toISOString();

/** Runs the issuing task for a new application, or again for `applicationId` (a redelivery, a reissue). */
async function issueLink(linkDeadline = deadlineIn(HOUR), applicationId: string = randomUUID()) {
  const { id } = await engine.start(PROCESS, applicationId, {
    applicationId,
    linkDeadline,
    signTtl: 'PT2H',
    ...HOLDER,
  });
  await waitFor('the process to end', async () => (await engine.historicInstance(id)).state === 'COMPLETED');
  const { clientLinkRef, linkExpiresAt } = await engine.variables(id);
  expect(linkExpiresAt).toBe(linkDeadline);
  return {
    applicationId,
    token: box.open(String(clientLinkRef), CLIENT_LINK_SEAL_CONTEXT).toString(),
    processInstanceId: id,
  };
}

/** The application's current link lapses (a second ago). */
async function expireLink(applicationId: string): Promise<void> {
  await db.query(`UPDATE client_links SET expires_at = now() - interval '1 second' WHERE application_id = $1`, [
    applicationId,
  ]);
}

async function linkExpiry(applicationId: string): Promise<number> {
  const [row] = await db.query('SELECT expires_at FROM client_links WHERE application_id = $1', [applicationId]);
  return (row.expires_at as Date).getTime();
}

beforeAll(async () => {
  await engine.deploy(PROCESS, { [`${PROCESS}.bpmn`]: BPMN });
  await engine.deploy(EXTEND, { [`${EXTEND}.bpmn`]: EXTEND_BPMN });
  db = new DataSource({ type: 'postgres', url: env.USER_DB_URL });
  await db.initialize();
});
afterAll(() => db.destroy());

it('gives the link the form deadline the process carries, plus signing time and the cabinet period', async () => {
  // Three days away: not "now + a TTL", the deadline the course calendar allowed.
  const linkDeadline = deadlineIn(72 * HOUR);
  const { applicationId } = await issueLink(linkDeadline);
  expect(await linkExpiry(applicationId)).toBe(Date.parse(linkDeadline) + 2 * HOUR + CABINET);
});

describe('user.extend-client-link, after staff extend a deadline', () => {
  async function extend(variables: Record<string, unknown>): Promise<string> {
    const { id } = await engine.start(EXTEND, String(variables.applicationId), { signTtl: 'PT2H', ...variables });
    return id;
  }
  const completed = (id: string) =>
    waitFor('the extension to complete', async () => (await engine.historicInstance(id)).state === 'COMPLETED');

  it('moves the end of the link to the new deadline and the cabinet period after it, never earlier', async () => {
    const { applicationId, token } = await issueLink(deadlineIn(HOUR));
    const later = deadlineIn(96 * HOUR);
    await completed(await extend({ applicationId, linkDeadline: later }));
    expect(await linkExpiry(applicationId)).toBe(Date.parse(later) + 2 * HOUR + CABINET);
    const signDeadline = deadlineIn(200 * HOUR);
    await completed(await extend({ applicationId, linkDeadline: later, signDeadline }));
    expect(await linkExpiry(applicationId)).toBe(Date.parse(signDeadline) + CABINET);
    // An earlier deadline (a late or repeated task) leaves the end where it is.
    const done = await extend({ applicationId, linkDeadline: deadlineIn(HOUR), signDeadline: deadlineIn(2 * HOUR) });
    await completed(done);
    expect(await linkExpiry(applicationId)).toBe(Date.parse(signDeadline) + CABINET);
    // It writes no variable, and the link still opens.
    expect(Object.keys(await engine.variables(done)).sort()).toEqual([
      'applicationId',
      'linkDeadline',
      'signDeadline',
      'signTtl',
    ]);
    expect((await users.post('/client-links/exchange', { token })).status).toBe(200);
  });

  it('makes an application without a link an incident at once', async () => {
    const applicationId = randomUUID();
    const id = await extend({ applicationId, linkDeadline: deadlineIn(HOUR) });
    const [incident] = await waitFor('an incident', async () => {
      const incidents = await engine.incidents(id);
      return incidents.length > 0 && incidents;
    });
    expect(incident.incidentMessage).toContain(`${applicationId} has no client link`);
    await engine.request('DELETE', `/process-instance/${id}`);
  });
});

it('keeps the raw token out of every variable and history record of the finished instance', async () => {
  const { token, processInstanceId } = await issueLink();
  expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 256 bits
  const records = await Promise.all(
    [
      `/history/variable-instance?processInstanceId=${processInstanceId}`,
      `/history/detail?processInstanceId=${processInstanceId}`,
      `/history/activity-instance?processInstanceId=${processInstanceId}`,
      `/history/process-instance/${processInstanceId}`,
      `/history/external-task-log?processInstanceId=${processInstanceId}`,
    ].map((path) => engine.request('GET', path)),
  );
  const everything = JSON.stringify(records);
  expect(everything).toContain('clientLinkRef');
  expect(everything).not.toContain(token);
  // Only a hash is stored by the user service, too.
  expect(JSON.stringify(await db.query('SELECT * FROM client_links'))).not.toContain(token);
});

it('trades the token for a session cookie scoped to the application', async () => {
  const { applicationId, token } = await issueLink();
  const { status, body, headers } = await users.post('/client-links/exchange', { token });
  expect(status).toBe(200);
  expect(body).toEqual({ applicationId, sessionExpiresAt: expect.any(String) });
  const cookie = headers.get('set-cookie')!;
  expect(cookie).toMatch(/^otus_client=[^;]+; Max-Age=1800; Path=\/; .*HttpOnly; Secure; SameSite=Strict/);
  const session = cookie.split(';')[0].split('=')[1];
  const claims = JSON.parse(Buffer.from(session.split('.')[1], 'base64url').toString());
  expect(claims).toMatchObject({ sub: applicationId, aud: 'otus-contract-client' });
  // The link may be opened again (the client comes back to sign): it renews the session.
  expect((await users.post('/client-links/exchange', { token })).status).toBe(200);
  // A client session is not a staff token.
  expect((await new ApiClient(env.GATEWAY_URL, session).get('/api/course/courses')).status).toBe(401);
});

it('answers 410 for unknown and expired tokens, alike', async () => {
  const unknown = await users.post('/client-links/exchange', { token: 'A'.repeat(43) });
  const { applicationId, token } = await issueLink();
  await expireLink(applicationId);
  const expired = await users.post('/client-links/exchange', { token });
  expect([unknown.status, expired.status]).toEqual([410, 410]);
  expect(unknown.body.code).toBe('LINK_INVALID');
  expect(expired.body.message).toBe(unknown.body.message);
  expect((await users.post('/client-links/exchange', { token: 'short' })).status).toBe(400);
});

it('issues a new token when the task is delivered again, and the old one stops working', async () => {
  const { applicationId, token } = await issueLink();
  const { token: second } = await issueLink(deadlineIn(HOUR), applicationId);
  expect(second).not.toBe(token);
  expect((await users.post('/client-links/exchange', { token })).status).toBe(410);
  expect((await users.post('/client-links/exchange', { token: second })).status).toBe(200);
  expect(
    await db.query('SELECT count(*)::int AS n FROM client_links WHERE application_id = $1', [applicationId]),
  ).toEqual([{ n: 1 }]);
});

it('rejects bad process variables, naming them', async () => {
  const applicationId = randomUUID();
  const { id } = await engine.start(PROCESS, applicationId, {
    applicationId,
    linkDeadline: 'soon',
    signTtl: 'PT1H',
    ...HOLDER,
  });
  const [incident] = await waitFor('an incident', async () => {
    const incidents = await engine.incidents(id);
    return incidents.length > 0 && incidents;
  });
  // This test model catches no BPMN errors, so INVALID_VARIABLES becomes an incident that names the variable.
  expect(incident.incidentMessage).toMatch(/INVALID_VARIABLES.*linkDeadline/);
  await engine.request('DELETE', `/process-instance/${id}`);
});

describe('the preview before a link opens a session', () => {
  const sessionOf = (headers: Headers) => headers.get('set-cookie')!.split(';')[0];

  it('names the holder masked, and says whether the link was ever opened', async () => {
    const { token } = await issueLink();
    const first = await users.post('/client-links/preview', { token });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      holder: { name: 'П****** А. С.', email: 'a***@example.test' },
      firstOpening: true,
      replacesSession: false,
    });
    // A preview opens nothing: no cookie, and the link still counts as never opened.
    expect(first.headers.get('set-cookie')).toBeNull();
    expect((await users.post('/client-links/preview', { token })).body.firstOpening).toBe(true);
    await users.post('/client-links/exchange', { token });
    expect((await users.post('/client-links/preview', { token })).body.firstOpening).toBe(false);
    // Neither the full name nor the address is stored beside the link.
    expect(JSON.stringify(await db.query('SELECT * FROM client_links'))).not.toMatch(/Петрова|anna\.petrova/);
  });

  it('warns before a link replaces the session of another application, not of the same one', async () => {
    const mine = await issueLink();
    const other = await issueLink();
    const session = sessionOf((await users.post('/client-links/exchange', { token: mine.token })).headers);
    const withSession = new ApiClient(`${env.GATEWAY_URL}/api/user`, undefined, { cookie: session });
    expect((await withSession.post('/client-links/preview', { token: other.token })).body.replacesSession).toBe(true);
    expect((await withSession.post('/client-links/preview', { token: mine.token })).body.replacesSession).toBe(false);
    // A forged or foreign cookie replaces nothing that it could prove.
    const forged = new ApiClient(`${env.GATEWAY_URL}/api/user`, undefined, { cookie: 'otus_client=eyJ.forged.x' });
    expect((await forged.post('/client-links/preview', { token: other.token })).body.replacesSession).toBe(false);
  });

  it('answers unknown tokens as the exchange does', async () => {
    const { status, body } = await users.post('/client-links/preview', { token: 'B'.repeat(43) });
    expect([status, body.code]).toEqual([410, 'LINK_INVALID']);
  });
});

describe('POST /internal/client-links/lookup, for the contract service', () => {
  const direct = new ApiClient(`http://${env.STACK_HOST}:${env.USER_PORT}`);
  const internal = direct.withHeaders({ 'x-internal-token': env.INTERNAL_API_TOKEN });
  const LOOKUP = '/internal/client-links/lookup';

  it('says which application a token belongs to and whether it is valid, replaced or expired', async () => {
    const { applicationId, token } = await issueLink();
    const { token: second } = await issueLink(deadlineIn(HOUR), applicationId);
    // The newer link never opened (lost, in spam): the old one is the client's way to ask for another.
    const replaced = await internal.post(LOOKUP, { token });
    expect([replaced.status, replaced.body]).toEqual([
      200,
      { applicationId, state: 'replaced', newerLinkInUse: false },
    ]);
    const valid = await internal.post(LOOKUP, { token: second });
    expect([valid.status, valid.body]).toEqual([200, { applicationId, state: 'valid' }]);
    // Once the client opened the newer link, the old one is told so.
    expect((await users.post('/client-links/exchange', { token: second })).status).toBe(200);
    const inUse = await internal.post(LOOKUP, { token });
    expect(inUse.body).toEqual({ applicationId, state: 'replaced', newerLinkInUse: true });
    await expireLink(applicationId);
    const expired = await internal.post(LOOKUP, { token: second });
    expect([expired.status, expired.body]).toEqual([200, { applicationId, state: 'expired' }]);
    const bothLapsed = await internal.post(LOOKUP, { token });
    expect(bothLapsed.body).toEqual({ applicationId, state: 'replaced', newerLinkInUse: false });
    // Only hashes of the replaced tokens are kept.
    expect(JSON.stringify(await db.query('SELECT * FROM client_links_retired'))).not.toContain(token);
  });

  it('answers unknown tokens with 410 LINK_INVALID and a bad body with 400', async () => {
    const unknown = await internal.post(LOOKUP, { token: 'C'.repeat(43) });
    expect([unknown.status, unknown.body.code]).toEqual([410, 'LINK_INVALID']);
    expect((await internal.post(LOOKUP, { token: 'short' })).status).toBe(400);
  });

  it('refuses callers without the internal token or with a wrong one, and the gateway does not route it', async () => {
    const { token } = await issueLink();
    const without = await direct.post(LOOKUP, { token });
    expect([without.status, without.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    const wrongOfSameLength = env.INTERNAL_API_TOKEN.replace(/.$/, (c) => (c === 'x' ? 'y' : 'x'));
    for (const wrong of [wrongOfSameLength, 'not-the-internal-token']) {
      const refused = await direct.withHeaders({ 'x-internal-token': wrong }).post(LOOKUP, { token });
      expect([refused.status, refused.body.code]).toEqual([401, 'UNAUTHENTICATED']);
    }
    expect((await users.post(LOOKUP, { token })).status).toBe(404);
    expect(
      (await users.withHeaders({ 'x-internal-token': env.INTERNAL_API_TOKEN }).post(LOOKUP, { token })).status,
    ).toBe(404);
  });
});
