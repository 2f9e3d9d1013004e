import { connect, type Socket } from 'node:net';
import { once } from 'node:events';
import { stackEnv, staffToken, waitFor } from '@otus/testing';

/** The local stack as a user of it sees it: through the gateway, in Prometheus, in Cockpit. */
const env = stackEnv();
const SERVICES = ['user', 'contract', 'course', 'promo', 'notification'];

/** One HTTP/1.1 GET on an open socket; resolves with the status code of the answer. */
async function getOn(socket: Socket, path: string): Promise<number> {
  socket.write(`GET ${path} HTTP/1.1\r\nHost: gateway\r\n\r\n`);
  const [chunk] = (await once(socket, 'data')) as [Buffer];
  return Number(chunk.toString('latin1').split(' ')[1]);
}

/** Whether a keep-alive connection to `port` still serves a request after `idleMs` of silence. */
async function survivesIdle(port: string, path: string, idleMs: number): Promise<boolean> {
  const socket = connect(Number(port), env.STACK_HOST);
  try {
    await once(socket, 'connect');
    if ((await getOn(socket, path)) !== 200) return false;
    let closed = false;
    socket.once('close', () => (closed = true));
    await new Promise((r) => setTimeout(r, idleMs));
    return !closed && (await getOn(socket, path)) === 200;
  } finally {
    socket.destroy();
  }
}

const get = (path: string, base = env.GATEWAY_URL, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, { headers, signal: AbortSignal.timeout(10_000) });

describe('the local stack', () => {
  it.each(SERVICES)('%s is healthy through the gateway, with its database and the engine', async (service) => {
    const response = await get(`/api/${service}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, engine: { status: 'up' } },
    });
  });

  it.each(SERVICES)(
    '%s exports Prometheus metrics with HTTP RED histograms on a port of its own (to Prometheus, not the gateway)',
    async (service) => {
      await get(`/api/${service}/health`);
      expect((await get(`/api/${service}/metrics`)).status).toBe(404);
      const api = `http://${env.STACK_HOST}:${env[`${service.toUpperCase()}_PORT`]}`;
      for (const path of ['/metrics', '/METRICS', '/metrics/']) expect((await get(path, api)).status).toBe(404);
      const text = await (
        await get('/metrics', `http://${env.STACK_HOST}:${env[`${service.toUpperCase()}_METRICS_PORT`]}`)
      ).text();
      const counts = text.split('\n').filter((l) => l.startsWith('http_request_duration_seconds_count{'));
      expect(counts.some((l) => l.includes('route="/health"') && l.includes(`service="${service}"`))).toBe(true);
      expect(text).toContain('process_resident_memory_bytes');
    },
  );

  // The gateway keeps idle upstream connections for 60 s; a service closing one first (Node's
  // default is after 5 s) turns a request sent on it just then into a 502, and nginx does not retry a POST.
  it("keeps idle connections from the gateway open past Node's default of 5 s", async () => {
    const upstreams: [string, string, string][] = [
      ...SERVICES.map((s): [string, string, string] => [s, env[`${s.toUpperCase()}_PORT`], '/health']),
      ['engine', env.ENGINE_PORT, '/actuator/health/liveness'],
    ];
    const survived = await Promise.all(
      upstreams.map(async ([name, port, path]) => [name, await survivesIdle(port, path, 8_000)]),
    );
    expect(Object.fromEntries(survived)).toEqual(Object.fromEntries(upstreams.map(([name]) => [name, true])));
  });

  it("serves Cockpit through the gateway to engine administrators only, not to the app's admins", async () => {
    const bearer = async (roles: string[]) => ({
      authorization: `Bearer ${await staffToken({ roles, exact: true })}`,
    });
    const cockpit = await get('/camunda/app/welcome/default/', env.GATEWAY_URL, await bearer(['engine-admin']));
    expect(cockpit.status).toBe(200);
    expect(await cockpit.text()).toMatch(/Camunda/i);
    expect((await get('/camunda/app/welcome/default/')).status).toBe(401);
    for (const roles of [['admin'], ['operator'], ['admin', 'operator']]) {
      const refused = await get('/camunda/app/welcome/default/', env.GATEWAY_URL, await bearer(roles));
      expect([roles, refused.status]).toEqual([roles, 403]);
    }
  });

  it('lets the admin from the environment log in to Cockpit through the gateway, and nobody else', async () => {
    // The gateway lets engine administrators through (staff cookie); Cockpit then asks for its own login.
    const staffCookie = `otus_staff=${await staffToken({ roles: ['engine-admin'] })}`;
    const login = async (password: string, username = env.CAMUNDA_ADMIN_USER) => {
      const page = await get('/camunda/app/welcome/default/', env.GATEWAY_URL, { cookie: staffCookie });
      const cookies = page.headers.getSetCookie().map((c) => c.split(';')[0]);
      const xsrf = cookies.find((c) => c.startsWith('XSRF-TOKEN='))?.split('=')[1] ?? '';
      return fetch(`${env.GATEWAY_URL}/camunda/api/admin/auth/user/default/login/cockpit`, {
        method: 'POST',
        headers: {
          cookie: [staffCookie, ...cookies].join('; '),
          'x-xsrf-token': xsrf,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ username, password }),
      });
    };
    const ok = await login(env.CAMUNDA_ADMIN_PASSWORD);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      userId: env.CAMUNDA_ADMIN_USER,
      authorizedApps: expect.arrayContaining(['cockpit']),
    });
    // Not the administrator's name: a wrong password delays that user's next login, REST included.
    expect((await login('wrong-password', 'nobody')).status).toBe(401);
  });

  it('answers unknown routes with a JSON 404 and sets security headers', async () => {
    const response = await get('/no/such/route');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'No such route', traceId: expect.any(String) });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it.each([
    ['course', ['/courses', '/courses/{id}', '/mentors', '/public/courses/{code}/availability']],
    ['promo', ['/campaigns', '/campaigns/{campaignId}/codes/generate', '/codes/{id}', '/public/promo-codes/check']],
    [
      'user',
      [
        '/auth/login',
        '/auth/refresh',
        '/users',
        '/users/{id}',
        '/api-clients',
        '/keys/rotate',
        '/client-links/exchange',
      ],
    ],
    [
      'notification',
      ['/deliveries', '/deliveries/{id}/resend', '/webhook-endpoints', '/webhook-endpoints/{id}/rotate-secret'],
    ],
  ])('publishes the %s OpenAPI document generated from the code', async (service, paths) => {
    const document = (await (await get(`/api/${service}/docs-json`)).json()) as { openapi: string; paths: object };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(paths));
  });

  it.each(SERVICES)('publishes no service-to-service (/internal) route in the %s OpenAPI document', async (service) => {
    const response = await get(`/api/${service}/docs-json`);
    expect(response.status).toBe(200);
    const document = (await response.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths).length).toBeGreaterThan(0);
    expect(Object.keys(document.paths).filter((path) => /\/internal(\/|$)/i.test(path))).toEqual([]);
  });

  it('never routes a service-to-service (/internal) route from outside', async () => {
    const response = await get('/api/course/internal/anything');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'No such route', traceId: expect.any(String) });
  });

  it('answers an unknown service route with the shared error body', async () => {
    const response = await get('/api/course/no-such-route', env.GATEWAY_URL, {
      authorization: `Bearer ${await staffToken()}`,
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND', traceId: expect.any(String) });
  });

  it('has Prometheus scraping every service and the engine', async () => {
    const targets = await waitFor(
      'all scrape targets up',
      async () => {
        const body = (await (await get('/api/v1/targets', env.PROMETHEUS_URL)).json()) as {
          data: { activeTargets: { labels: { job: string; service?: string }; health: string }[] };
        };
        const active = body.data.activeTargets;
        return active.length >= 7 && active.every((t) => t.health === 'up') && active;
      },
      { timeoutMs: 30_000, intervalMs: 1_000 },
    );
    expect(targets.map((t) => t.labels.service ?? t.labels.job).sort()).toEqual([
      'contract',
      'course',
      'engine',
      'notification',
      'prometheus',
      'promo',
      'user',
    ]);
  });

  it('has the mail catcher answering', async () => {
    expect((await get('/api/email', env.MAIL_WEB_URL)).status).toBe(200);
  });
});
