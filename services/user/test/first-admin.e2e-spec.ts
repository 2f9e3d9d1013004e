import { randomUUID } from 'node:crypto';
import { ApiClient } from '@otus/testing';
import { DataSource } from 'typeorm';
import { type InProcessUser, scratchDatabase, startUserService } from './support/app';

/**
 * The first administrator as production creates it (USER_ADMIN_MUST_CHANGE_PASSWORD, on by
 * default when NODE_ENV=production): a user service in this process on an empty database, so
 * it creates that administrator itself. Its sign-in lock is short here, to see locks end and grow.
 */
const ADMIN_EMAIL = `first-admin-${randomUUID().slice(0, 8)}@otus.test`;
const ADMIN_PASSWORD = `Initial-${randomUUID()}`;
let user: InProcessUser;
let api: ApiClient;
let database: Awaited<ReturnType<typeof scratchDatabase>>;
let db: DataSource;
/** The administrator's password as the first test leaves it. */
let adminPassword = ADMIN_PASSWORD;

beforeAll(async () => {
  database = await scratchDatabase();
  user = await startUserService((url) => ({
    USER_DB_URL: database.url,
    AUTH_JWKS_URL: `${url}/.well-known/jwks.json`,
    USER_ADMIN_EMAIL: ADMIN_EMAIL,
    USER_ADMIN_PASSWORD: ADMIN_PASSWORD,
    USER_ADMIN_MUST_CHANGE_PASSWORD: 'true',
    USER_LOGIN_MAX_FAILURES: '3',
    USER_LOGIN_LOCK: 'PT1S',
    USER_LOGIN_LOCK_MAX: 'PT2S',
  }));
  api = new ApiClient(user.url);
  db = new DataSource({ type: 'postgres', url: database.url });
  await db.initialize();
});

afterAll(async () => {
  await db?.destroy();
  await user?.app.close();
  await database?.drop();
});

const events = async (email: string) =>
  ((await db.query(`SELECT event FROM login_events WHERE email = $1 ORDER BY at`, [email])) as { event: string }[]).map(
    (e) => e.event,
  );

it('gives the first administrator no token until it sets a new password of 12+ characters, not the old one', async () => {
  const first = await api.post('/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  expect(first.status).toBe(403);
  expect(first.body).toMatchObject({ code: 'PASSWORD_CHANGE_REQUIRED' });
  expect(first.body.accessToken).toBeUndefined();
  expect(first.headers.get('set-cookie')).toBeNull();
  // Without a token, every staff route and both gateway checks refuse it.
  expect((await api.get('/users')).status).toBe(401);
  expect((await api.get('/auth/check/staff')).status).toBe(401);
  expect((await api.get('/auth/check/engine-admin')).status).toBe(401);

  const change = (currentPassword: string, newPassword: string) =>
    api.post('/auth/password', { email: ADMIN_EMAIL, currentPassword, newPassword });
  expect((await change('not-the-password', `New-${randomUUID()}`)).body.code).toBe('INVALID_CREDENTIALS');
  const same = await change(ADMIN_PASSWORD, ADMIN_PASSWORD);
  expect([same.status, same.body.code]).toEqual([400, 'PASSWORD_UNCHANGED']);
  const short = await change(ADMIN_PASSWORD, 'Short-1');
  expect([short.status, short.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  // Still no token after those.
  expect((await api.post('/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status).toBe(403);

  const newPassword = `Chosen-${randomUUID()}`;
  expect((await change(ADMIN_PASSWORD, newPassword)).status).toBe(204);
  adminPassword = newPassword;
  expect((await api.post('/auth/login', { email: ADMIN_EMAIL, password: ADMIN_PASSWORD })).status).toBe(401);
  const signedIn = await api.post('/auth/login', { email: ADMIN_EMAIL, password: newPassword });
  expect(signedIn.status).toBe(200);
  const admin = api.withToken(signedIn.body.accessToken);
  expect((await admin.get('/users')).status).toBe(200);
  expect((await admin.get('/auth/check/engine-admin')).status).toBe(204);
  expect((await admin.get('/auth/check/staff')).status).toBe(204);
  const [row] = await db.query(`SELECT must_change_password FROM users WHERE email = $1`, [ADMIN_EMAIL]);
  expect(row.must_change_password).toBe(false);
  expect(await events(ADMIN_EMAIL)).toEqual(expect.arrayContaining(['login.failed', 'password.changed']));
});

it('creates nobody else with the flag: a user the administrator adds signs in at once', async () => {
  const admin = api.withToken(
    (await api.post('/auth/login', { email: ADMIN_EMAIL, password: adminPassword })).body.accessToken,
  );
  const email = `op-${randomUUID().slice(0, 8)}@otus.test`;
  const password = `Operator-${randomUUID()}`;
  expect((await admin.post('/users', { email, name: 'Оператор', password, roles: ['operator'] })).status).toBe(201);
  expect((await api.post('/auth/login', { email, password })).status).toBe(200);
});

it('ends a lock when it runs out (audited) and makes the next one longer', async () => {
  const email = `nobody-${randomUUID().slice(0, 8)}@otus.test`;
  const wrong = () => api.post('/auth/login', { email, password: 'wrong-password-123' });
  for (let i = 0; i < 3; i++) expect((await wrong()).status).toBe(401);
  const locked = await wrong();
  expect([locked.status, locked.body.code, locked.body.details.retryAfter]).toEqual([429, 'LOGIN_LOCKED', 1]);
  await new Promise((r) => setTimeout(r, 1_100));
  for (let i = 0; i < 3; i++) expect((await wrong()).status).toBe(401);
  const again = await wrong();
  expect([again.status, again.body.details.retryAfter]).toEqual([429, 2]);
  expect(await events(email)).toEqual([
    ...['login.failed', 'login.failed', 'login.failed', 'login.locked', 'login.refused'],
    ...['login.unlocked', 'login.failed', 'login.failed', 'login.failed', 'login.locked', 'login.refused'],
  ]);
});
