import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAllowedAddresses, type ResolveAll, type WebhookAddressPolicy } from '@otus/common';
import { postWebhook } from './webhook-http';

/**
 * Real sockets on loopback: a listener on 127.77.0.2 (an allowed test range) and one on
 * 127.0.0.1 (the engine's address) on the same port, and a name whose DNS answer changes
 * between lookups. The request must reach only the address that was checked.
 */
const policy: WebhookAddressPolicy = {
  allowed: parseAllowedAddresses('127.77.0.0/16'),
  protectedAddresses: ['127.0.0.1'],
};
const hits: Record<string, string[]> = { allowed: [], engine: [] };
const listener = (name: string) =>
  createServer((req, res) => {
    hits[name].push(`${req.method} ${req.url} host=${req.headers.host}`);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
const allowed = listener('allowed');
const engine = listener('engine');
let port: number;

const listen = (server: Server, host: string, on = 0) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(on, host, () => resolve((server.address() as AddressInfo).port));
  });

beforeAll(async () => {
  port = await listen(allowed, '127.77.0.2');
  await listen(engine, '127.0.0.1', port);
});
afterAll(async () => {
  for (const server of [allowed, engine]) await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits.allowed = [];
  hits.engine = [];
});

const request = { headers: { 'content-type': 'application/json' }, body: '{}', timeoutMs: 2_000 };

it('DNS rebinding: the checked address first, loopback for every later lookup; the request goes to the checked one', async () => {
  let asked = 0;
  const rebinding: ResolveAll = async () => [{ address: asked++ === 0 ? '127.77.0.2' : '127.0.0.1', family: 4 }];
  const response = await postWebhook(`http://crm.rebind.test:${port}/hook?x=1`, request, {
    policy,
    resolve: rebinding,
  });
  expect(response).toMatchObject({ status: 200, address: '127.77.0.2' });
  expect(asked).toBe(1);
  expect(hits.allowed).toEqual([`POST /hook?x=1 host=crm.rebind.test:${port}`]);
  expect(hits.engine).toEqual([]);
});

it("refuses a name that resolves to the engine's address, and connects nowhere", async () => {
  const resolve: ResolveAll = async () => [{ address: '127.0.0.1', family: 4 }];
  await expect(postWebhook(`http://crm.example.test:${port}/hook`, request, { policy, resolve })).rejects.toThrow(
    /^webhook host crm\.example\.test refused: 127\.0\.0\.1 is an address of the engine/,
  );
  await expect(postWebhook(`http://127.0.0.1:${port}/hook`, request, { policy })).rejects.toThrow(/refused/);
  expect(hits.engine).toEqual([]);
});

it('refuses a name with any internal address among its answers, even next to an allowed one', async () => {
  const resolve: ResolveAll = async () => [
    { address: '127.77.0.2', family: 4 },
    { address: '10.0.0.7', family: 4 },
  ];
  await expect(postWebhook(`http://crm.example.test:${port}/`, request, { policy, resolve })).rejects.toThrow(
    /10\.0\.0\.7 is a private address/,
  );
  expect(hits.allowed).toEqual([]);
});

it('refuses localhost through the system resolver', async () => {
  await expect(postWebhook(`http://localhost:${port}/`, request, { policy })).rejects.toThrow(
    /webhook host localhost refused/,
  );
  expect(hits.engine).toEqual([]);
});
