import { ApiClient, stackEnv, staffToken } from '@otus/testing';

/** CRM API clients: the key is shown once, stored hashed, grants only the CRM routes, and can be revoked. */
const env = stackEnv();
const users = new ApiClient(`${env.GATEWAY_URL}/api/user`);
const gateway = new ApiClient(env.GATEWAY_URL);
let admin: ApiClient;

const asCrm = (key: string) =>
  gateway.request('GET', '/api/contract/applications/some-id', undefined, { 'x-api-key': key });

beforeAll(async () => {
  admin = users.withToken(await staffToken());
});

it('shows the key once and stores only its hash', async () => {
  const created = await admin.post('/api-clients', { name: 'amoCRM' });
  expect(created.status).toBe(201);
  expect(created.body.apiKey).toMatch(/^otus_[A-Za-z0-9_-]{32}$/);
  expect(created.body.keyPrefix).toBe(created.body.apiKey.slice(0, 9));
  const listed = (await admin.get('/api-clients')).body.find((c: { id: string }) => c.id === created.body.id);
  expect(listed).not.toHaveProperty('apiKey');
  expect(JSON.stringify(await admin.get(`/api-clients/${created.body.id}`))).not.toContain(created.body.apiKey);
});

it('lets a CRM key through to the CRM routes only, until it is revoked', async () => {
  const { body } = await admin.post('/api-clients', { name: 'Bitrix24' });
  // Past the gateway: the contract service answers (not the gateway's 401).
  const passed = await asCrm(body.apiKey);
  expect(passed.status).not.toBe(401);
  expect((await asCrm(`${body.apiKey}x`)).status).toBe(401);
  expect((await asCrm('')).status).toBe(401);
  // A CRM key opens nothing else.
  const staffRoute = await gateway.request('GET', '/api/course/courses', undefined, { 'x-api-key': body.apiKey });
  expect(staffRoute.status).toBe(401);

  expect((await admin.delete(`/api-clients/${body.id}`)).status).toBe(204);
  const revoked = await asCrm(body.apiKey);
  expect(revoked.status).toBe(401);
  expect(revoked.body.code).toBe('UNAUTHENTICATED');
  expect((await admin.get(`/api-clients/${body.id}`)).body.revokedAt).not.toBeNull();
});

it('is for administrators only', async () => {
  const operator = users.withToken(await staffToken({ roles: ['operator'] }));
  expect((await operator.post('/api-clients', { name: 'x-crm' })).status).toBe(403);
  expect((await users.get('/api-clients')).status).toBe(401);
});
