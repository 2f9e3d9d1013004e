import { stackEnv, staffToken } from '@otus/testing';
import { type GatewayInstance, rawRequest, startGatewayInstance } from './support/gateway-instance';

/**
 * The gateway's blocks and header rules, tried as an attacker spells paths: the repo's template
 * runs in a second NGINX whose upstreams all record what reaches them, so a path that slips
 * through shows even where a service would have answered 404 itself. Then the same paths
 * through the stack's gateway, to the real services.
 */
let gateway: GatewayInstance;

beforeAll(async () => {
  gateway = await startGatewayInstance();
});
afterAll(() => gateway?.stop());

const SERVICES = ['user', 'contract', 'course', 'promo', 'notification'];

/** Every way of writing one path that NGINX or Express may treat as the same. */
function spellings(service: string, segment: string, rest: string): string[] {
  const encoded = `%${segment.charCodeAt(0).toString(16)}${segment.slice(1)}`;
  const mixed = segment[0]!.toUpperCase() + segment.slice(1);
  return [
    `/api/${service}/${segment}${rest}`,
    `/api/${service}/${segment.toUpperCase()}${rest}`,
    `/api/${service}/${mixed}${rest}`,
    `/api/${service}/${segment}${rest}/`,
    `/api/${service}/${segment}${rest}//`,
    `/api//${service}//${segment}${rest}`,
    `/api/${service}/${encoded}${rest}`,
    `/api/${service}/${encoded.toUpperCase()}${rest}`,
    `/api/${service}/./${segment}${rest}`,
    `/api/${service}/x/../${segment}${rest}`,
    `/api/${service}/%2e%2e/${service}/${segment}${rest}`,
    `/api/${service}/${segment}${rest}?x=1`,
  ];
}

const BLOCKED = [
  ...SERVICES.flatMap((service) => [
    ...spellings(service, 'internal', '/emails'),
    ...spellings(service, 'internal', ''),
    ...spellings(service, 'metrics', ''),
  ]),
  ...['staff', 'admin', 'crm'].flatMap((check) => [
    ...spellings('user', 'auth', `/check/${check}`),
    `/api/user/auth/Check/${check}`,
    `/api/user/auth/CHECK/${check}`,
    `/api/user/auth//check/${check}`,
    `/api/user/auth/%63heck/${check}`,
    `/api/user/auth/check/${check}/`,
  ]),
  '/api/user/auth/check',
  '/api/user/auth/check/',
];

describe('paths that never leave the gateway', () => {
  it.each(BLOCKED)('%s: 404 from the gateway, nothing sent upstream', async (path) => {
    for (const method of ['GET', 'POST']) {
      gateway.upstreamed.length = 0;
      const response = await rawRequest(gateway.url, method, path, {
        authorization: 'Bearer any',
        'x-api-key': 'any',
        cookie: 'otus_staff=any',
      });
      expect([method, response.status]).toEqual([method, 404]);
      expect(JSON.parse(response.body)).toMatchObject({ code: 'NOT_FOUND' });
      expect(gateway.upstreamed).toEqual([]);
    }
  });
});

const HOSTILE = {
  'x-internal-token': 'hostile-internal-token',
  'x-auth-subject': 'hostile-subject',
  'x-auth-roles': 'hostile-roles',
  'x-auth-token': 'hostile-token',
  'x-original-uri': '/hostile',
  authorization: 'Bearer any',
  'x-api-key': 'any',
};

/** One route of each kind: staff, CRM, admin, login, public, client pages and codes, checks. */
const ROUTES: [string, string, Record<string, string>?][] = [
  ['GET', '/api/course/courses'],
  ['GET', '/api/notification/deliveries'],
  ['POST', '/api/contract/applications'],
  // The engine's REST API takes HTTP Basic only (admin:x).
  ['GET', '/engine-rest/engine', { authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` }],
  ['GET', '/camunda/app/'],
  ['POST', '/api/user/auth/login'],
  ['POST', '/api/user/auth/refresh'],
  ['GET', '/api/user/.well-known/jwks.json'],
  ['POST', '/api/user/client-links/exchange'],
  ['POST', '/api/user/client-links/preview'],
  ['GET', '/api/course/public/courses'],
  ['GET', '/api/course/health'],
  ['GET', '/api/course/docs'],
  ['GET', '/client/some-application'],
  ['POST', '/client/api/applications/some-application/signature'],
  ['GET', '/l/some-token'],
  ['GET', '/verify'],
  ['POST', '/api/contract/public/verifications'],
];

describe('identity and internal headers a client sends', () => {
  it.each(ROUTES)('%s %s: reach no upstream, auth checks included', async (method, path, credentials = {}) => {
    gateway.upstreamed.length = 0;
    const response = await rawRequest(gateway.url, method, path, { ...HOSTILE, ...credentials });
    expect(response.status).toBe(200);
    expect(gateway.upstreamed.length).toBeGreaterThan(0);
    for (const { path: upstreamPath, headers } of gateway.upstreamed) {
      const seen = Object.entries(headers).filter(([, value]) => String(value).includes('hostile'));
      expect([upstreamPath, seen]).toEqual([upstreamPath, []]);
      if (!upstreamPath.startsWith('/auth/check/')) expect(headers['x-api-key']).toBeUndefined();
    }
  });
});

describe('through the stack, to the real services', () => {
  const env = stackEnv();

  it.each([
    '/api/user/auth/Check/staff',
    '/api/user/AUTH/check/staff',
    '/api/course/METRICS',
    '/api/course/Metrics/',
    '/api/notification/INTERNAL/emails',
    '/api/contract/%69nternal/documents/x',
  ])('%s answers 404 even with a staff token', async (path) => {
    const response = await rawRequest(env.GATEWAY_URL, 'GET', path, {
      authorization: `Bearer ${await staffToken()}`,
    });
    expect(response.status).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ code: 'NOT_FOUND' });
  });
});
