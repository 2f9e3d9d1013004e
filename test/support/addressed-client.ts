import { request } from 'node:http';
import type { ApiResponse } from '@otus/common/testing';
import type { Http } from './journey-steps';

/**
 * A client calling from its own loopback address (127.0.1.x), as a hundred real clients call
 * from a hundred addresses: the gateway's per-address rate limits (link exchange 60/min,
 * signing code 30/min) then apply to each client, not to the test as a whole.
 */
export class AddressedClient implements Http {
  constructor(
    readonly baseUrl: string,
    readonly localAddress: string,
    private readonly headers: Record<string, string> = {},
  ) {}

  static forClient(baseUrl: string, index: number): AddressedClient {
    return new AddressedClient(baseUrl, `127.0.${1 + Math.floor(index / 250)}.${2 + (index % 250)}`);
  }

  at(baseUrl: string, headers: Record<string, string> = {}): AddressedClient {
    return new AddressedClient(baseUrl, this.localAddress, { ...this.headers, ...headers });
  }

  get(path: string): Promise<ApiResponse> {
    return this.request('GET', path);
  }

  post(path: string, body: unknown = {}): Promise<ApiResponse> {
    return this.request('POST', path, body);
  }

  request(method: string, path: string, body?: unknown): Promise<ApiResponse> {
    const url = new URL(`${this.baseUrl}${path}`);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          localAddress: this.localAddress,
          timeout: 15_000,
          headers: {
            ...this.headers,
            ...(payload ? { 'content-type': 'application/json', 'content-length': String(payload.length) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON: keep the text
            }
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
                headers.append(name, v);
            }
            resolve({ status: res.statusCode ?? 0, body: parsed, headers });
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}
