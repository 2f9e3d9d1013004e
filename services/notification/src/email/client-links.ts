import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { SealedBox, CLIENT_LINK_SEAL_CONTEXT } from '@otus/common';
import type { NotificationEnv } from '../config';

/**
 * Turns `clientLinkRef` (the link token sealed by the user service) into the link the
 * client opens. The token exists only in memory while an e-mail is built; what is stored
 * is the sealed ref.
 */
@Injectable()
export class ClientLinks {
  private readonly box: SealedBox;
  private readonly baseUrl: string;

  constructor(config: ConfigService<NotificationEnv, true>) {
    this.box = new SealedBox(config.get('CLIENT_LINK_SEAL_KEYS', { infer: true }));
    this.baseUrl = config.get('CLIENT_BASE_URL', { infer: true }).replace(/\/+$/, '');
  }

  canOpen(ref: string): boolean {
    try {
      return this.box.open(ref, CLIENT_LINK_SEAL_CONTEXT).length > 0;
    } catch {
      return false;
    }
  }

  url(ref: string): string {
    const token = this.box.open(ref, CLIENT_LINK_SEAL_CONTEXT).toString('utf8');
    return `${this.baseUrl}/l/${encodeURIComponent(token)}`;
  }
}
