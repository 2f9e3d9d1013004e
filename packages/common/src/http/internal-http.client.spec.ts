import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register } from 'prom-client';
import { InternalHttpClient, UpstreamError } from './internal-http.client';

type Route = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('InternalHttpClient (against a real HTTP server)', () => {
  let server: Server;
  let baseUrl: string;
  const routes = new Map<string, Route>();
  const seen: { method?: string; url?: string; headers: IncomingMessage['headers']; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, body });
        const route = routes.get(req.url ?? '');
        if (route) route(req, res, body);
        else
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"code":"NOT_FOUND","message":"no route"}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base/`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = (timeoutMs = 2_000) =>
    new InternalHttpClient({ name: 'test service', baseUrl, headers: { 'x-internal-token': 't0ken' }, timeoutMs });

  it('sends JSON with the credentials and reads a JSON answer', async () => {
    routes.set('/base/echo', (_req, res, body) =>
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ got: JSON.parse(body) })),
    );
    const response = await client().request<{ got: unknown }>({ method: 'POST', path: '/echo', body: { a: 1 } });
    expect(response.status).toBe(201);
    expect(response.data).toEqual({ got: { a: 1 } });
    const request = seen.at(-1)!;
    expect(request.headers['x-internal-token']).toBe('t0ken');
    expect(request.headers['content-type']).toMatch(/^application\/json/);
  });

  it('turns an error status into an UpstreamError with the body’s message', async () => {
    const error = await client()
      .request({ method: 'GET', path: '/missing' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      status: 404,
      unreachable: false,
      message: 'test service answered HTTP 404: no route',
    });
  });

  it('reports a closed port as unreachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const error = await new InternalHttpClient({
      name: 'gone',
      baseUrl: `http://127.0.0.1:${port}`,
      headers: {},
      timeoutMs: 2_000,
    })
      .request({ method: 'GET', path: '/' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: undefined, unreachable: true, message: 'gone unreachable (ECONNREFUSED)' });
  });

  it('gives up after the timeout when the answer does not come', async () => {
    routes.set('/base/slow', (_req, res) => setTimeout(() => res.end('late'), 1_000));
    const error = await client(150)
      .request({ method: 'GET', path: '/slow' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ unreachable: true, message: 'test service unreachable (timed out)' });
  });

  it('reads binary answers and refuses ones over the size limit', async () => {
    routes.set('/base/pdf', (_req, res) =>
      res.writeHead(200, { 'content-type': 'application/pdf' }).end(Buffer.alloc(4096, 7)),
    );
    const small = await client().request<Buffer>({
      method: 'GET',
      path: '/pdf',
      as: 'buffer',
      accept: 'application/pdf',
    });
    expect(small.contentType).toBe('application/pdf');
    expect(Buffer.compare(small.data, Buffer.alloc(4096, 7))).toBe(0);
    expect(seen.at(-1)!.headers.accept).toBe('application/pdf');
    await expect(client().request({ method: 'GET', path: '/pdf', as: 'buffer', maxBytes: 1024 })).rejects.toThrow(
      'test service unreachable (answer too large)',
    );
  });

  it('follows no redirect and uses no proxy from the environment', async () => {
    routes.set('/base/moved', (_req, res) => res.writeHead(302, { location: '/base/echo' }).end());
    await expect(client().request({ method: 'GET', path: '/moved' })).rejects.toMatchObject({ status: 302 });

    routes.set('/base/direct', (_req, res) => res.end('ok'));
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = 'http://127.0.0.1:9';
    try {
      expect((await client().request({ method: 'GET', path: '/direct' })).data).toBe('ok');
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  });

  it('counts each call by target and outcome', async () => {
    routes.set('/base/ok', (_req, res) => res.end());
    await client().request({ method: 'GET', path: '/ok' });
    const metric = await register.getSingleMetric('internal_http_client_request_duration_seconds')!.get();
    const counted = metric.values.find(
      (v) =>
        (v as { metricName?: string }).metricName === 'internal_http_client_request_duration_seconds_count' &&
        v.labels.target === 'test service' &&
        v.labels.outcome === '2xx',
    );
    expect(counted?.value).toBeGreaterThanOrEqual(1);
  });
});
