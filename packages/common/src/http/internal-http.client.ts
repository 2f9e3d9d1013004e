import axios, { type AxiosInstance, type Method } from 'axios';
import { Histogram } from 'prom-client';

/** Someone this service calls inside the system: the engine, or another service's internal API. */
export interface InternalTarget {
  /** For metrics and error messages: `engine`, `contract service`, `notification service`. */
  name: string;
  baseUrl: string;
  /** Sent with every request: the engine's Basic credentials or the internal token. */
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface InternalRequest {
  method: Method;
  path: string;
  /** Sent as JSON. */
  body?: unknown;
  /** `buffer` for binary answers (a PDF); JSON (or the text, when it is not JSON) otherwise. */
  as?: 'json' | 'buffer';
  accept?: string;
  /** Refuse larger answers without reading them whole. */
  maxBytes?: number;
}

export interface InternalResponse<T> {
  status: number;
  contentType: string;
  data: T;
}

/**
 * The target could not be asked (`status` undefined: refused, reset, timed out) or answered
 * with an error status. The message names the target and, from a JSON error body, its reason.
 */
export class UpstreamError extends Error {
  constructor(
    readonly target: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }

  get unreachable(): boolean {
    return this.status === undefined;
  }
}

const requestSeconds = new Histogram({
  name: 'internal_http_client_request_duration_seconds',
  help: 'Calls this service made to the engine and other services, by target and outcome (HTTP status class or unreachable)',
  labelNames: ['target', 'method', 'outcome'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/**
 * The one client for calls inside the system (axios underneath): a timeout on the whole
 * exchange, the caller's credentials, no proxy from the environment and no redirects (an
 * internal answer never moves), every error an `UpstreamError`, and a latency histogram.
 */
export class InternalHttpClient {
  private readonly http: AxiosInstance;

  constructor(private readonly target: InternalTarget) {
    this.http = axios.create({
      baseURL: target.baseUrl.replace(/\/+$/, ''),
      headers: target.headers,
      timeout: target.timeoutMs,
      proxy: false,
      maxRedirects: 0,
      validateStatus: () => true,
    });
  }

  get name(): string {
    return this.target.name;
  }

  /** The answer when its status is 2xx; an `UpstreamError` otherwise. */
  async request<T = unknown>(request: InternalRequest): Promise<InternalResponse<T>> {
    const stop = requestSeconds.startTimer({ target: this.target.name, method: request.method });
    let response;
    try {
      response = await this.http.request({
        method: request.method,
        url: request.path,
        data: request.body,
        headers: request.accept ? { accept: request.accept } : undefined,
        responseType: request.as === 'buffer' ? 'arraybuffer' : 'text',
        maxContentLength: request.maxBytes,
        signal: AbortSignal.timeout(this.target.timeoutMs),
      });
    } catch (e) {
      stop({ outcome: 'unreachable' });
      throw new UpstreamError(this.target.name, undefined, `${this.target.name} unreachable (${describe(e)})`);
    }
    stop({ outcome: `${Math.floor(response.status / 100)}xx` });
    const contentType = String(response.headers['content-type'] ?? '');
    if (response.status < 200 || response.status >= 300) {
      const reason = request.as === 'buffer' ? '' : errorReason(response.data as string);
      throw new UpstreamError(
        this.target.name,
        response.status,
        `${this.target.name} answered HTTP ${response.status}${reason ? `: ${reason}` : ''}`,
      );
    }
    const data =
      request.as === 'buffer' ? Buffer.from(response.data as ArrayBuffer) : parseText(response.data as string);
    return { status: response.status, contentType, data: data as T };
  }
}

function parseText(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `message` of a JSON error body (the services' and the engine's shape), else the start of the text. */
function errorReason(text: string): string {
  const body = parseText(text) as { message?: unknown } | string | undefined;
  if (body && typeof body === 'object' && typeof body.message === 'string') return body.message;
  return typeof body === 'string' ? body.slice(0, 300) : '';
}

function describe(e: unknown): string {
  const error = e as { code?: string; message?: string; name?: string } | null;
  if (error?.code === 'ECONNABORTED' || error?.code === 'ERR_CANCELED' || error?.name === 'CanceledError') {
    return 'timed out';
  }
  if (error?.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(error.message ?? '')) return 'answer too large';
  return error?.code ?? error?.message ?? String(e);
}
