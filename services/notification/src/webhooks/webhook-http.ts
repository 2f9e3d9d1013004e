import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import {
  pinnedLookup,
  resolveWebhookAddress,
  type ResolveAll,
  systemResolver,
  type WebhookAddressPolicy,
} from '@otus/common';

export interface WebhookHttpRequest {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface WebhookHttpResponse {
  status: number;
  /** The start of the answer (at most `MAX_ANSWER` bytes): only logged. */
  body: string;
  /** The address the request was sent to: the one the policy checked. */
  address: string;
}

const MAX_ANSWER = 4096;

/**
 * One POST to a webhook URL. The host is resolved once, every address it gives is checked
 * against the policy (`resolveWebhookAddress`, which throws WebhookAddressRefusedError), and the
 * connection goes to exactly the address checked: the request's `lookup` answers with it and
 * never asks DNS again, so a name that resolves to a public address for the check and to
 * loopback a moment later (DNS rebinding) still reaches only the public one. TLS still checks
 * the certificate against the name. Redirects are never followed; no connection is reused.
 */
export async function postWebhook(
  url: string,
  { headers, body, timeoutMs }: WebhookHttpRequest,
  { policy, resolve = systemResolver }: { policy: WebhookAddressPolicy; resolve?: ResolveAll },
): Promise<WebhookHttpResponse> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new Error(`webhook URL must be http or https, not ${target.protocol}`);
  }
  const deadline = AbortSignal.timeout(timeoutMs);
  const address = await abortable(resolveWebhookAddress(target.hostname, policy, resolve), deadline);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<WebhookHttpResponse>((resolveResponse, reject) => {
    const req = send(
      {
        protocol: target.protocol,
        hostname: target.hostname.replace(/^\[|\]$/g, ''),
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(address),
        agent: false,
        signal: deadline,
      },
      (res: IncomingMessage) => {
        const connectedTo = res.socket?.remoteAddress ?? address.address;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_ANSWER) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () =>
          resolveResponse({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).subarray(0, MAX_ANSWER).toString('utf8'),
            address: connectedTo,
          }),
        );
        res.on('error', (e) => reject(deadline.aborted ? (deadline.reason as Error) : e));
      },
    );
    req.on('error', (e) => reject(deadline.aborted ? (deadline.reason as Error) : e));
    req.end(body);
  });
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason as Error);
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
