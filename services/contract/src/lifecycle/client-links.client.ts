import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InternalHttpClient, UpstreamError } from '@otus/common';
import type { ContractEnv } from '../config';
import { contractErrors } from '../contract-errors';

/** Why a link the user service issued opens or not: it still does, it lapsed, or a newer one replaced it. */
export type LinkState = 'valid' | 'expired' | 'replaced';

export interface LinkLookup {
  applicationId: string;
  state: LinkState;
  /** For a replaced token: whether the application's current link was opened and still opens. */
  newerLinkInUse?: boolean;
}

/** The user service's internal routes: it keeps the links (their hashes), so it knows whose a token was. */
@Injectable()
export class ClientLinksClient {
  private readonly logger = new Logger(ClientLinksClient.name);
  private readonly http: InternalHttpClient;

  constructor(config: ConfigService<ContractEnv, true>) {
    this.http = new InternalHttpClient({
      name: 'user service',
      baseUrl: config.get('USER_INTERNAL_URL', { infer: true }),
      headers: { 'x-internal-token': config.get('INTERNAL_API_TOKEN', { infer: true }) ?? '' },
      timeoutMs: 5_000,
    });
  }

  /** Whose link the token was and its state; null for a token the user service never issued (410 there). */
  async lookup(token: string): Promise<LinkLookup | null> {
    try {
      const { data } = await this.http.request<LinkLookup>({
        method: 'POST',
        path: '/internal/client-links/lookup',
        body: { token },
      });
      return data;
    } catch (e) {
      if (e instanceof UpstreamError && e.status === 410) return null;
      this.logger.warn({ err: (e as Error).message }, 'a link could not be looked up');
      throw contractErrors.LINK_CHECK_UNAVAILABLE(
        'The link could not be checked just now; please try again in a minute',
      );
    }
  }
}
