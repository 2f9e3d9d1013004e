import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { close, listen, waitFor } from '@otus/testing';

const ROOT = join(__dirname, '../..');
const UPSTREAMS = ['USER', 'CONTRACT', 'COURSE', 'PROMO', 'NOTIFICATION', 'ENGINE'];

/** A request as it reached an upstream behind the gateway. */
export interface Upstreamed {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
}

/**
 * The repo's gateway template run by a second NGINX whose every upstream is one recording
 * server: what the gateway lets through, and with which headers, whatever the services would
 * have done with it. The auth checks (`/auth/check/*`) answer 200, as for a valid credential.
 */
export interface GatewayInstance {
  url: string;
  upstreamed: Upstreamed[];
  stop(): Promise<void>;
}

export async function startGatewayInstance(): Promise<GatewayInstance> {
  const upstreamed: Upstreamed[] = [];
  const upstream: Server = createServer((req, res) => {
    upstreamed.push({ method: req.method!, path: req.url!, headers: req.headers });
    req.resume();
    if (/^\/auth\/check\/(staff|admin|crm)$/.test(req.url!)) {
      res.setHeader('X-Auth-Subject', 'checked-subject');
      res.setHeader('X-Auth-Roles', 'admin');
      if (req.url!.endsWith('/crm')) res.setHeader('X-Auth-Token', 'checked-token');
      return void res.writeHead(200).end();
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"upstream":true}');
  });
  const upstreamUrl = await listen(upstream);
  const port = await freePort();

  const dir = mkdtempSync(join(tmpdir(), 'otus-gateway-'));
  chmodSync(dir, 0o755); // NGINX workers (nobody) write their temp files here
  mkdirSync(join(dir, 'conf.d'));
  const vars: Record<string, string> = {
    GATEWAY_LISTEN: `127.0.0.1:${port}`,
    GATEWAY_ACCESS_LOG: 'off',
    ...Object.fromEntries(UPSTREAMS.map((name) => [`${name}_UPSTREAM`, new URL(upstreamUrl).host])),
  };
  // As stack/lib/env.mjs substitute(): ${NAME} only, so NGINX's own $variables stay.
  const conf = readFileSync(join(ROOT, 'gateway/gateway.conf.template'), 'utf8').replace(
    /\$\{([A-Z][A-Z0-9_]*)\}/g,
    (whole, name: string) => vars[name] ?? whole,
  );
  writeFileSync(join(dir, 'conf.d/gateway.conf'), conf.replace(/access_log off otus_gateway;/, 'access_log off;'));
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${join(dir, 'error.log')} warn;`,
      'worker_processes 1;',
      'events { worker_connections 256; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${join(dir, t)};`),
      '  include conf.d/*.conf;',
      '}',
      '',
    ].join('\n'),
  );
  const nginx: ChildProcess = spawn('nginx', ['-p', `${dir}/`, '-c', 'nginx.conf', '-g', 'daemon off;'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  nginx.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`the second gateway on ${url}`, async () => {
    if (nginx.exitCode !== null) throw new Error(`nginx exited ${nginx.exitCode}: ${stderr}`);
    return (await rawRequest(url, 'GET', '/healthz')).status === 200;
  });
  return {
    url,
    upstreamed,
    async stop() {
      nginx.kill('SIGQUIT');
      await new Promise((done) => (nginx.exitCode !== null ? done(null) : nginx.once('exit', done)));
      await close(upstream);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A request whose path goes out byte for byte (fetch would resolve dots and re-encode), from
 * `localAddress` if given (a simulated client of its own, for the gateway's per-address limits).
 */
export function rawRequest(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  localAddress?: string,
  body?: string,
): Promise<{ status: number; body: string; headers: IncomingHttpHeaders }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const options = { host: hostname, port, method, path, headers, agent: false, localAddress };
    const req = httpRequest(options, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  await new Promise((done) => server.close(done));
  return port;
}
