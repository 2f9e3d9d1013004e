import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { ApiClient, craftedToken, stackEnv, staffToken, waitFor } from '@otus/testing';
import { type JWK, importJWK, SignJWT } from 'jose';
import { type InProcessUser, startUserService } from './support/app';

/**
 * The gateway asks /auth/check/staff on every staff request, so checking a token must not cost
 * a query: the keys are in memory. A second user service runs in this process on the stack's
 * database, so rotation is seen across two instances, and its SQL is counted.
 */
const env = stackEnv();
const gateway = new ApiClient(env.GATEWAY_URL);
const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid as string;
let other: InProcessUser;
let here: ApiClient;

const keyQueries = () => other.queries.filter((q) => q.includes('signing_keys'));
const checkStaff = (client: ApiClient, token: string) =>
  client.request('GET', '/auth/check/staff', undefined, { authorization: `Bearer ${token}` });

/** A well-formed ES256 JWT under a kid nobody published, as an attacker would send by the thousand. */
async function randomKidToken(): Promise<string> {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' }) as JWK;
  return new SignJWT({ roles: ['admin'] })
    .setProtectedHeader({ alg: 'ES256', kid: `k-${randomUUID()}` })
    .setSubject('attacker')
    .setIssuer('otus-contract')
    .setAudience('otus-contract')
    .setExpirationTime('5m')
    .sign(await importJWK(jwk, 'ES256'));
}

beforeAll(async () => {
  other = await startUserService();
  here = new ApiClient(other.url);
});

afterAll(async () => {
  await other?.app.close();
});

it('refuses tokens that are not JWTs, and random kids, without a query per request', async () => {
  // A real token verifies from memory: no query.
  const valid = await staffToken();
  other.queries.length = 0;
  expect((await checkStaff(here, valid)).status).toBe(204);
  expect(keyQueries()).toEqual([]);

  const garbage = [
    'x',
    'a.b',
    'a.b.c.d',
    '...',
    'eyJhbGciOiJFUzI1NiJ9.e30.%%%',
    `${Buffer.from('{"alg":"none","kid":"k-1"}').toString('base64url')}.e30.`,
    `${Buffer.from('{"alg":"ES256"}').toString('base64url')}.e30.c2ln`,
    `${Buffer.from('{"alg":"ES256","kid":12}').toString('base64url')}.e30.c2ln`,
    `${'A'.repeat(3000)}.${'B'.repeat(3000)}.${'C'.repeat(100)}`,
    ...Array.from({ length: 20 }, () => randomUUID().replace(/-/g, '')),
  ];
  const answers = await Promise.all(garbage.map((token) => checkStaff(here, token)));
  expect(answers.map((a) => a.status)).toEqual(garbage.map(() => 401));
  expect(answers[0].body).toMatchObject({ code: 'UNAUTHENTICATED' });
  expect(keyQueries()).toEqual([]);

  // 60 unknown kids at once: at most one reload of the keys within USER_KEY_RELOAD_MIN_INTERVAL (1 s).
  const forged = await Promise.all(Array.from({ length: 60 }, randomKidToken));
  const refused = await Promise.all(forged.map((token) => checkStaff(here, token)));
  expect(refused.map((a) => a.status)).toEqual(forged.map(() => 401));
  expect(keyQueries().length).toBeLessThanOrEqual(1);
  // A real key under a forged signature is refused as well, from memory.
  expect((await checkStaff(here, await craftedToken({ forged: true }))).status).toBe(401);
  expect(keyQueries().length).toBeLessThanOrEqual(1);
});

it('refuses garbage bearer tokens at the gateway, on staff and admin routes alike', async () => {
  for (const token of ['x', 'a.b.c', `${'A'.repeat(5000)}.b.c`, await randomKidToken()]) {
    const client = gateway.withToken(token);
    expect((await client.get('/api/course/courses?pageSize=1')).status).toBe(401);
    expect((await client.get('/api/user/keys')).status).toBe(401);
  }
});

it('verifies at once a key that another instance rotated in', async () => {
  const before = await staffToken();
  const admin = gateway.withToken(before);

  // The stack's user service rotates; the one in this process learns of it from the first token with the new kid.
  const rotated = await admin.post('/api/user/keys/rotate');
  expect(rotated.status).toBe(201);
  const login = await gateway.post('/api/user/auth/login', {
    email: env.USER_ADMIN_EMAIL,
    password: env.USER_ADMIN_PASSWORD,
  });
  // The stack may answer 429 to this address's logins if other suites hammer it; a direct login then.
  const after =
    login.status === 200
      ? (login.body.accessToken as string)
      : ((
          await new ApiClient(`http://${env.STACK_HOST}:${env.USER_PORT}`).post('/auth/login', {
            email: env.USER_ADMIN_EMAIL,
            password: env.USER_ADMIN_PASSWORD,
          })
        ).body.accessToken as string);
  expect(kidOf(after)).toBe(rotated.body.kid);
  // Within one reload interval at most (another test's random kid may just have reloaded).
  await waitFor('the new kid to verify here', async () => (await checkStaff(here, after)).status === 204, {
    timeoutMs: 5_000,
  });
  expect((await checkStaff(here, before)).status).toBe(204);

  // And the other way: this instance rotates, and the stack's check (through the gateway) accepts its tokens.
  const rotatedHere = await here.withToken(before).post('/keys/rotate');
  expect(rotatedHere.status).toBe(201);
  const signedHere = (
    await here.post('/auth/login', { email: env.USER_ADMIN_EMAIL, password: env.USER_ADMIN_PASSWORD })
  ).body.accessToken as string;
  expect(kidOf(signedHere)).toBe(rotatedHere.body.kid);
  await waitFor(
    'the stack to accept a token signed after another instance rotated',
    async () => (await gateway.withToken(signedHere).get('/api/user/keys')).status === 200,
    { timeoutMs: 5_000 },
  );
  expect((await gateway.withToken(after).get('/api/user/keys')).status).toBe(200);
});
