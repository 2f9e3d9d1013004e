/* eslint-disable @typescript-eslint/no-explicit-any -- tests read response bodies loosely and assert them by value */
import { request as httpRequest } from 'node:http';

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small JSON client for tests that call the services the way a user does: through the gateway. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token?: string,
    private readonly headers: Record<string, string> = {},
    /** Calls from this loopback address (127.x.y.z): the gateway's per-address limits then count this client alone. */
    readonly localAddress?: string,
  ) {}

  withToken(token: string | undefined): ApiClient {
    return new ApiClient(this.baseUrl, token, this.headers, this.localAddress);
  }

  /** Headers sent with every request, e.g. an API key or a session cookie. */
  withHeaders(headers: Record<string, string>): ApiClient {
    return new ApiClient(this.baseUrl, this.token, { ...this.headers, ...headers }, this.localAddress);
  }

  /** The same client calling from another loopback address, as another person would from their own. */
  from(localAddress: string): ApiClient {
    return new ApiClient(this.baseUrl, this.token, this.headers, localAddress);
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse<T>> {
    const response = await this.send(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...this.headers,
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  }

  /** A binary answer (a PDF, a CSV) with the client's credentials. */
  async download(path: string): Promise<{ status: number; headers: Headers; bytes: Buffer }> {
    const response = await this.send(`${this.baseUrl}${path}`, {
      method: 'GET',
      headers: { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...this.headers },
    });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  /** The same credentials against another base URL (another application's address, say). */
  at(baseUrl: string): ApiClient {
    return new ApiClient(baseUrl, this.token, this.headers, this.localAddress);
  }

  /** fetch, or plain node:http from `localAddress` (fetch cannot choose its source address); no redirects followed then. */
  private async send(
    url: string,
    init: { method: string; headers: Record<string, string>; body?: string | Buffer },
  ): Promise<Response> {
    if (!this.localAddress) return fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
    const localAddress = this.localAddress;
    return new Promise<Response>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: init.method, headers: init.headers, localAddress, timeout: 15_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers))
              for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value])
                headers.append(name, v);
            const status = res.statusCode ?? 0;
            const bodyless = status === 204 || status === 304;
            resolve(new Response(bodyless ? null : Buffer.concat(chunks), { status, headers }));
          });
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${init.method} ${url}: timed out`)));
      req.on('error', reject);
      req.end(init.body);
    });
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }

  post<T = any>(path: string, body?: unknown) {
    return this.request<T>('POST', path, body ?? {});
  }

  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }

  delete<T = any>(path: string) {
    return this.request<T>('DELETE', path);
  }
}
