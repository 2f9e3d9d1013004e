import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InternalHttpClient, UpstreamError } from '@otus/common';
import type { ContractEnv } from '../config';
import { contractErrors } from '../contract-errors';

/**
 * The other services that keep an application's personal data: the notification service (the
 * e-mails' addresses and variables), the user service (the link's holder) and the promo service
 * (the e-mail's hash on a redemption). Each erases its part
 * through its internal route; both are idempotent, so an erasure that failed half-way is repeated.
 */
@Injectable()
export class PeerErasure {
  private readonly peers: { name: string; http: InternalHttpClient; path: (id: string) => string }[];

  constructor(config: ConfigService<ContractEnv, true>) {
    const headers = { 'x-internal-token': config.get('INTERNAL_API_TOKEN', { infer: true }) ?? '' };
    this.peers = [
      {
        name: 'notification service',
        http: new InternalHttpClient({
          name: 'notification service',
          baseUrl: config.get('NOTIFICATION_INTERNAL_URL', { infer: true }),
          headers,
          timeoutMs: 15_000,
        }),
        path: (id) => `/internal/applications/${encodeURIComponent(id)}/personal-data/erase`,
      },
      {
        name: 'user service',
        http: new InternalHttpClient({
          name: 'user service',
          baseUrl: config.get('USER_INTERNAL_URL', { infer: true }),
          headers,
          timeoutMs: 15_000,
        }),
        path: (id) => `/internal/client-links/${encodeURIComponent(id)}/erase`,
      },
      {
        name: 'promo service',
        http: new InternalHttpClient({
          name: 'promo service',
          baseUrl: config.get('PROMO_INTERNAL_URL', { infer: true }),
          headers,
          timeoutMs: 15_000,
        }),
        path: (id) => `/internal/redemptions/${encodeURIComponent(id)}/erase`,
      },
    ];
  }

  /** Every peer erases the application's data; one that cannot is 503 (nothing here is erased before they are). */
  async erase(applicationId: string): Promise<void> {
    for (const peer of this.peers) {
      try {
        await peer.http.request({ method: 'POST', path: peer.path(applicationId) });
      } catch (e) {
        if (!(e instanceof UpstreamError)) throw e;
        throw contractErrors.ERASURE_INCOMPLETE(
          `The ${peer.name} could not erase its part (${e.message}); nothing was erased here. Try again shortly`,
        );
      }
    }
  }
}
