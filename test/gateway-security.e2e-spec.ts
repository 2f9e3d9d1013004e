import { ApiClient, craftedToken, crm, logSince, stackEnv, staffToken, waitFor } from '@otus/testing';

/**
 * What the gateway and the services' shared guard do with credentials that should not work:
 * the identity a service acts on comes only from tokens it verifies itself.
 */
const env = stackEnv();
const gateway = new ApiClient(env.GATEWAY_URL);
const courseDirect = new ApiClient(`http://${env.STACK_HOST}:${env.COURSE_PORT}`);
const spoofed = { 'x-auth-subject': 'someone-else', 'x-auth-roles': 'admin' };

const STAFF_ROUTES = [
  '/api/user/users',
  '/api/user/api-clients',
  '/api/user/keys',
  '/api/course/courses',
  '/api/course/mentors',
  '/api/promo/campaigns',
];

describe.each(STAFF_ROUTES)('%s', (route) => {
  it('needs credentials (401)', async () => {
    expect((await gateway.get(route)).status).toBe(401);
  });

  it('ignores spoofed identity headers', async () => {
    expect((await gateway.request('GET', route, undefined, spoofed)).status).toBe(401);
  });

  it.each([
    ['a forged', { forged: true }],
    ['an expired', { expiresIn: Math.floor(Date.now() / 1000) - 60 }],
    ['an unknown-kid', { kid: 'k-unknown' }],
    ['a client-session', { audience: 'otus-contract-client' }],
  ])('refuses %s token (401)', async (_, options) => {
    expect((await gateway.withToken(await craftedToken(options)).get(route)).status).toBe(401);
  });
});

it('gives an operator no admin rights, whatever headers it adds', async () => {
  const operator = gateway.withToken(await staffToken({ roles: ['operator'] }));
  expect((await operator.request('GET', '/api/user/users', undefined, spoofed)).status).toBe(403);
  expect((await operator.request('POST', '/api/course/courses', {}, spoofed)).status).toBe(403);
});

it('checks the token again in the service: identity headers alone open nothing', async () => {
  expect((await courseDirect.request('GET', '/courses', undefined, spoofed)).status).toBe(401);
  const token = await staffToken();
  expect((await courseDirect.withToken(token).get('/courses?pageSize=1')).status).toBe(200);
});

it('keeps the gateway check and metrics unreachable from outside', async () => {
  expect((await gateway.get('/api/user/auth/check/staff')).status).toBe(404);
  expect((await gateway.get('/api/course/metrics')).status).toBe(404);
});

it('limits request bodies (413)', async () => {
  const big = { name: 'x'.repeat(2 * 1024 * 1024) };
  const response = await gateway.withToken(await staffToken()).post('/api/course/mentors', big);
  expect(response.status).toBe(413);
  expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
});

it('keeps the token a CRM key is traded for, and every other token, out of the logs', async () => {
  const logs = ['user', 'contract', 'course', 'gateway-access'].map(logSince);
  const written = () => logs.map((since) => since()).join('\n');
  const amo = await crm();
  expect((await amo.get('/applications/crm-none')).status).toBe(404);
  expect((await gateway.withToken(await staffToken()).get('/api/course/courses?pageSize=1')).status).toBe(200);
  // The services log asynchronously: wait for the CRM key's check to be written.
  const text = await waitFor('the logged CRM check', () => {
    const all = written();
    return all.includes('/auth/check/crm') && all;
  });
  expect(text).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/);
});
