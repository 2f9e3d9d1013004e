import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
}

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** Statuses to answer with, in order; after them every request gets 200. */
  script(...statuses: number[]): void;
  close(): Promise<void>;
}

/**
 * The loopback address the tests' CRM stand-ins listen on: inside the local stack's
 * WEBHOOK_ALLOWED_ADDRESSES (127.77.0.0/16), apart from 127.0.0.1 where the engine and the
 * services listen, to which no webhook may go.
 */
export const RECEIVER_HOST = '127.77.0.1';

/**
 * A CRM stand-in on a local port of RECEIVER_HOST: records every request with its raw body, answers
 * as scripted. `onRequest` sees each one as it arrives (the bench waits on webhooks without polling).
 */
export async function startReceiver(onRequest?: (request: ReceivedRequest) => void): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let statuses: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      onRequest?.(request);
      const status = statuses.shift() ?? 200;
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status }));
    });
  });
  const url = await listen(server, RECEIVER_HOST);
  return {
    url,
    requests,
    script: (...next) => (statuses = next),
    close: () => close(server),
  };
}

/** Listens on a free loopback port (of 127.0.0.1 unless `host` says otherwise); resolves to the base URL. */
export function listen(server: Server, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, host, () => resolve(`http://${host}:${(server.address() as AddressInfo).port}`)),
  );
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
