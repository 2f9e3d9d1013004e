import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { ApiClient, stackEnv, staffToken } from '@otus/testing';

/**
 * Staff sign-in: tokens, refresh rotation, reuse detection. Most calls go straight to the user
 * service, so that the gateway's login rate limit (tested last, through the gateway) does not
 * throttle the suite itself.
 */
const env = stackEnv();
const users = new ApiClient(`http://${env.STACK_HOST}:${env.USER_PORT}`);
const throughGateway = new ApiClient(`${env.GATEWAY_URL}/api/user`);
let admin: ApiClient;

async function newUser(roles = ['operator']) {
  const email = `u-${randomUUID().slice(0, 8)}@otus.test`;
  const password = `Passw0rd-${randomUUID()}`;
  const { status, body } = await admin.post('/users', { email, name: 'Тест Тестов', password, roles });
  expect(status).toBe(201);
  return { ...body, password } as { id: string; email: string; password: string };
}

const login = (email: string, password: string) => users.post('/auth/login', { email, password });

beforeAll(async () => {
  admin = users.withToken(await staffToken());
});

it('signs in with e-mail and password and sets an HttpOnly, Secure, SameSite cookie too', async () => {
  const user = await newUser();
  const { status, body, headers } = await throughGateway.post('/auth/login', {
    email: user.email.toUpperCase(),
    password: user.password,
  });
  expect(status).toBe(200);
  expect(body).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshToken: expect.any(String) });
  const [header, payload] = body.accessToken
    .split('.')
    .slice(0, 2)
    .map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()));
  expect(header).toMatchObject({ alg: 'ES256', kid: expect.stringMatching(/^k-/) });
  expect(payload).toMatchObject({ sub: user.id, roles: ['operator'], aud: 'otus-contract', iss: 'otus-contract' });
  expect(headers.get('set-cookie')).toMatch(
    /^otus_staff=.+; Max-Age=900; Path=\/; .*HttpOnly; Secure; SameSite=Strict/,
  );
  expect((await users.withToken(body.accessToken).get('/me')).body).toMatchObject({ id: user.id, email: user.email });
});

it('answers a wrong password and an unknown e-mail the same way', async () => {
  const user = await newUser();
  const wrong = await login(user.email, 'wrong-password-123');
  const unknown = await login(`nobody-${randomUUID()}@otus.test`, 'wrong-password-123');
  expect([wrong.status, unknown.status]).toEqual([401, 401]);
  const strip = ({ traceId: _, ...rest }: Record<string, unknown>) => rest;
  expect(strip(wrong.body)).toEqual(strip(unknown.body));
  expect(wrong.body).toMatchObject({ code: 'INVALID_CREDENTIALS', message: 'Wrong e-mail or password' });
});

it('rotates refresh tokens and revokes the whole family when a used one comes back', async () => {
  const user = await newUser();
  const first = (await login(user.email, user.password)).body;
  const second = await users.post('/auth/refresh', { refreshToken: first.refreshToken });
  expect(second.status).toBe(200);
  expect(second.body.refreshToken).not.toBe(first.refreshToken);

  // The first token again: someone kept a copy. Both it and its successor stop working.
  expect((await users.post('/auth/refresh', { refreshToken: first.refreshToken })).status).toBe(401);
  const successor = await users.post('/auth/refresh', { refreshToken: second.body.refreshToken });
  expect(successor.status).toBe(401);
  expect(successor.body.code).toBe('INVALID_REFRESH_TOKEN');
});

it('signs out: the refresh token stops working; unknown tokens get the same answer', async () => {
  const user = await newUser();
  const { refreshToken } = (await login(user.email, user.password)).body;
  expect((await users.post('/auth/logout', { refreshToken })).status).toBe(204);
  expect((await users.post('/auth/logout', { refreshToken: 'not-a-token' })).status).toBe(204);
  expect((await users.post('/auth/refresh', { refreshToken })).status).toBe(401);
});

it('blocks a deactivated user and signs them out', async () => {
  const user = await newUser();
  const { refreshToken } = (await login(user.email, user.password)).body;
  expect((await admin.patch(`/users/${user.id}`, { active: false })).status).toBe(200);
  expect((await login(user.email, user.password)).status).toBe(401);
  expect((await users.post('/auth/refresh', { refreshToken })).status).toBe(401);
});

it('lets a user change their own password with the current one', async () => {
  const user = await newUser();
  const me = users.withToken((await login(user.email, user.password)).body.accessToken);
  const wrong = await me.request('PUT', '/me/password', {
    currentPassword: 'not-it-at-all',
    newPassword: 'A-new-passw0rd!',
  });
  expect(wrong.status).toBe(401);
  const ok = await me.request('PUT', '/me/password', {
    currentPassword: user.password,
    newPassword: 'A-new-passw0rd!',
  });
  expect(ok.status).toBe(204);
  expect((await login(user.email, user.password)).status).toBe(401);
  expect((await login(user.email, 'A-new-passw0rd!')).status).toBe(200);
  const short = await me.request('PUT', '/me/password', { currentPassword: 'A-new-passw0rd!', newPassword: 'short' });
  expect(short.status).toBe(400);
});

it('answers brute force at the gateway with 429', async () => {
  // From a loopback address of its own, so the limit this test exhausts is nobody else's.
  const email = `brute-${randomUUID().slice(0, 8)}@otus.test`;
  const localAddress = `127.${1 + Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
  const attempt = () =>
    new Promise<number>((resolve, reject) => {
      const url = new URL(`${env.GATEWAY_URL}/api/user/auth/login`);
      const req = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: 'POST',
          localAddress,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      // Not the environment's admin: the per-account lock would lock out every suite that signs in as it.
      req.end(JSON.stringify({ email, password: 'guess-guess-guess' }));
    });
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) statuses.push(await attempt());
  expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
  expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(10);
});
