import { ApiClient, stackEnv, staffToken } from '@otus/testing';

/** Key rotation: new tokens use the new key, tokens signed before stay valid until they expire. */
const env = stackEnv();
const gateway = new ApiClient(env.GATEWAY_URL);
const kidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).kid as string;
const login = async () =>
  (
    await new ApiClient(`http://${env.STACK_HOST}:${env.USER_PORT}`).post('/auth/login', {
      email: env.USER_ADMIN_EMAIL,
      password: env.USER_ADMIN_PASSWORD,
    })
  ).body.accessToken as string;

it('rotates the signing key without signing anyone out', async () => {
  const before = await login();
  const admin = gateway.withToken(await staffToken());
  const rotated = await admin.post('/api/user/keys/rotate');
  expect(rotated.status).toBe(201);
  expect(rotated.body.kid).not.toBe(kidOf(before));

  const after = await login();
  expect(kidOf(after)).toBe(rotated.body.kid);
  const jwks = (await gateway.get('/api/user/.well-known/jwks.json')).body.keys.map((k: { kid: string }) => k.kid);
  expect(jwks).toEqual(expect.arrayContaining([kidOf(before), kidOf(after)]));

  // Both tokens open a staff route of another service, which checks them itself.
  for (const token of [before, after]) {
    expect((await gateway.withToken(token).get('/api/course/courses?pageSize=1')).status).toBe(200);
  }
  const keys = (await admin.get('/api/user/keys')).body;
  expect(keys.filter((k: { status: string }) => k.status === 'active')).toEqual([
    expect.objectContaining({ kid: kidOf(after) }),
  ]);
});

it('lets only administrators rotate keys', async () => {
  const operator = gateway.withToken(await staffToken({ roles: ['operator'] }));
  expect((await operator.post('/api/user/keys/rotate')).status).toBe(403);
  expect((await gateway.post('/api/user/keys/rotate')).status).toBe(401);
});
