import { randomUUID } from 'node:crypto';
import { ApiClient, type ApiResponse, loopbackAddress, stackEnv, staffToken } from '@otus/testing';
import { DataSource } from 'typeorm';

/**
 * The per-account lock on staff sign-in, through the gateway as an attacker would call it: in
 * parallel, from several addresses (so the gateway's per-address limit is not what stops
 * them), on the spellings of the route the service answers (a trailing slash, the e-mail's
 * case; other cases of the path are 404, routing being case-sensitive). Defaults of the stack: 5
 * failures within 15 minutes lock the e-mail address for a minute.
 */
const env = stackEnv();
const gatewayUser = new ApiClient(`${env.GATEWAY_URL}/api/user`);
const direct = new ApiClient(`http://${env.STACK_HOST}:${env.USER_PORT}`);
const LOGIN_PATHS = ['/auth/login', '/auth/login/', '/auth/login//'];
let admin: ApiClient;
let db: DataSource;

async function newUser() {
  const email = `lock-${randomUUID().slice(0, 8)}@otus.test`;
  const password = `Passw0rd-${randomUUID()}`;
  const { status, body } = await admin.post('/users', {
    email,
    name: 'Тест Блокировки',
    password,
    roles: ['operator'],
  });
  expect(status).toBe(201);
  return { id: body.id as string, email, password };
}

/** `count` wrong passwords at once, spread over four addresses and the route's spellings. */
async function guessInParallel(email: string, count: number): Promise<ApiResponse[]> {
  const clients = Array.from({ length: 4 }, () => gatewayUser.from(loopbackAddress()));
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      clients[i % clients.length].post(LOGIN_PATHS[i % LOGIN_PATHS.length], {
        email: i % 2 ? email.toUpperCase() : email,
        password: `guess-${i}-${randomUUID()}`,
      }),
    ),
  );
}

const creds = ({ email, password }: { email: string; password: string }) => ({ email, password });
const codes = (answers: ApiResponse[]) => answers.map((a) => `${a.status} ${a.body?.code}`);
const strip = ({ traceId: _, ...rest }: Record<string, unknown>) => rest;
const events = async (email: string) =>
  ((await db.query(`SELECT event FROM login_events WHERE email = $1 ORDER BY at`, [email])) as { event: string }[]).map(
    (e) => e.event,
  );

beforeAll(async () => {
  admin = direct.withToken(await staffToken());
  db = new DataSource({ type: 'postgres', url: env.USER_DB_URL });
  await db.initialize();
});

afterAll(async () => {
  await db?.destroy();
});

it('gives 20 parallel guesses from 4 addresses exactly 5 tries, then refuses even the right password', async () => {
  const user = await newUser();
  const answers = await guessInParallel(user.email, 20);
  for (const code of codes(answers))
    expect(['401 INVALID_CREDENTIALS', '429 LOGIN_LOCKED', '404 NOT_FOUND']).toContain(code);
  expect(codes(answers).filter((c) => c === '401 INVALID_CREDENTIALS')).toHaveLength(5);
  expect(codes(answers).filter((c) => c === '429 LOGIN_LOCKED').length).toBeGreaterThan(0);

  const right = await gatewayUser.from(loopbackAddress()).post('/auth/login', creds(user));
  expect(right.status).toBe(429);
  expect(right.body).toMatchObject({ code: 'LOGIN_LOCKED', details: { retryAfter: expect.any(Number) } });
  expect(right.body.details.retryAfter).toBeGreaterThan(0);
  expect(right.body.details.retryAfter).toBeLessThanOrEqual(60);
  expect(Number(right.headers.get('retry-after'))).toBe(right.body.details.retryAfter);
  expect(right.body.accessToken).toBeUndefined();
  // The way out of a forced password change is locked as well.
  const change = await gatewayUser.from(loopbackAddress()).post('/auth/password', {
    email: user.email,
    currentPassword: user.password,
    newPassword: `Another-${randomUUID()}`,
  });
  expect(change.status).toBe(429);
  expect(change.body.code).toBe('LOGIN_LOCKED');

  const audit = await events(user.email);
  expect(audit.filter((e) => e === 'login.failed')).toHaveLength(5);
  expect(audit.filter((e) => e === 'login.locked')).toHaveLength(1);
  expect(audit.filter((e) => e === 'login.refused').length).toBeGreaterThanOrEqual(2);
  const [failed] = await db.query(
    `SELECT user_id, client_address FROM login_events WHERE email = $1 AND event = 'login.failed' LIMIT 1`,
    [user.email],
  );
  expect(failed.user_id).toBe(user.id);
  expect(failed.client_address).toMatch(/^127\./);
});

it('answers an unknown e-mail exactly as a known one: same statuses, bodies, Retry-After and speed', async () => {
  const known = await newUser();
  const unknown = `nobody-${randomUUID().slice(0, 8)}@otus.test`;
  const run = async (email: string, password: string) => {
    const client = gatewayUser.from(loopbackAddress());
    const answers: { status: number; body: Record<string, unknown>; retryAfter: string | null; ms: number }[] = [];
    for (let i = 0; i < 8; i++) {
      const t0 = performance.now();
      const a = await client.post('/auth/login', { email, password: i === 7 ? password : 'wrong-password-123' });
      answers.push({
        status: a.status,
        body: strip(a.body),
        retryAfter: a.headers.get('retry-after'),
        ms: performance.now() - t0,
      });
    }
    return answers;
  };
  const [k, u] = await Promise.all([run(known.email, known.password), run(unknown, known.password)]);
  expect(k.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
  expect(u.map((a) => a.status)).toEqual(k.map((a) => a.status));
  expect(u.map((a) => a.body)).toEqual(k.map((a) => a.body));
  expect(u.map((a) => a.retryAfter !== null)).toEqual(k.map((a) => a.retryAfter !== null));
  // Timing class: both check a password hash on a failure, neither does while locked.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const failedMs = [median(k.slice(0, 5).map((a) => a.ms)), median(u.slice(0, 5).map((a) => a.ms))];
  expect(Math.max(...failedMs)).toBeLessThan(Math.min(...failedMs) * 4 + 50);
  expect(await events(unknown)).toEqual(expect.arrayContaining(['login.failed', 'login.locked', 'login.refused']));
});

it('locks one account only: another signs in from the same address meanwhile', async () => {
  const [victim, colleague] = [await newUser(), await newUser()];
  const client = gatewayUser.from(loopbackAddress());
  for (let i = 0; i < 5; i++) await client.post('/auth/login', { email: victim.email, password: 'wrong-password-123' });
  expect((await client.post('/auth/login', creds(victim))).body.code).toBe('LOGIN_LOCKED');
  const other = await client.post('/auth/login', creds(colleague));
  expect(other.status).toBe(200);
  expect(other.body.accessToken).toEqual(expect.any(String));
});

it('starts the count again after a successful sign-in', async () => {
  const user = await newUser();
  const client = gatewayUser.from(loopbackAddress());
  const wrong = () => client.post('/auth/login', { email: user.email, password: 'wrong-password-123' });
  for (let i = 0; i < 4; i++) expect((await wrong()).status).toBe(401);
  expect((await client.post('/auth/login', creds(user))).status).toBe(200);
  for (let i = 0; i < 4; i++) expect((await wrong()).status).toBe(401);
  expect((await client.post('/auth/login', creds(user))).status).toBe(200);
});

it('ends a lock when an administrator sets a new password, and audits the unlock', async () => {
  const user = await newUser();
  const client = gatewayUser.from(loopbackAddress());
  for (let i = 0; i < 5; i++) await client.post('/auth/login', { email: user.email, password: 'wrong-password-123' });
  expect((await client.post('/auth/login', creds(user))).status).toBe(429);
  const password = `Reset-${randomUUID()}`;
  expect((await admin.request('PUT', `/users/${user.id}/password`, { password })).status).toBe(204);
  expect((await client.post('/auth/login', { email: user.email, password })).status).toBe(200);
  expect(await events(user.email)).toEqual(
    expect.arrayContaining(['login.locked', 'login.unlocked', 'login.succeeded']),
  );
});
