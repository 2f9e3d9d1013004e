import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { countFunnelStep, maskEmail, maskName, newSecret, secretHash } from '@otus/common';
import { Repository } from 'typeorm';
import type { UserEnv } from '../config';
import { KeyService } from '../keys/key.service';

import { ClientLink } from './client-link.entity';
import { RetiredClientLink } from './retired-client-link.entity';
import { userErrors } from '../user-errors';

/** Whom a link belongs to, masked, and whether opening it would replace a session of another application. */
export interface LinkPreview {
  holder: { name: string | null; email: string | null };
  firstOpening: boolean;
  replacesSession: boolean;
}

/**
 * What a token is, for the contract service: the current link of its application (`valid`, or
 * `expired` once its end passed) or one a newer link replaced (`replaced`).
 */
export type LinkState = 'valid' | 'expired' | 'replaced';

export interface LinkLookup {
  applicationId: string;
  state: LinkState;
  /**
   * For a replaced token: whether the application's current link has been opened and still opens,
   * i.e. the client is using it. Then the holder of the old e-mail is sent to the newest one: a
   * request on an old token must not replace that link. A newer link never opened (lost, in spam)
   * leaves the old one free to ask. Links outlive their deadlines (cabinet access), so "still
   * opens" alone would be true for every application that can still go on.
   */
  newerLinkInUse?: boolean;
}

export interface IssuedLink {
  token: string;
  formDeadline: Date;
}

@Injectable()
export class ClientLinkService {
  private readonly sessionTtlMs: number;
  private readonly cabinetAccessMs: number;

  constructor(
    @InjectRepository(ClientLink) private readonly links: Repository<ClientLink>,
    @InjectRepository(RetiredClientLink) private readonly retired: Repository<RetiredClientLink>,
    private readonly keys: KeyService,
    config: ConfigService<UserEnv, true>,
  ) {
    this.sessionTtlMs = config.get('USER_CLIENT_SESSION_TTL', { infer: true });
    this.cabinetAccessMs = config.get('USER_CABINET_ACCESS', { infer: true });
  }

  /** Erasure: the application's link and its replaced tokens go (the holder's name and e-mail with them). */
  async erase(applicationId: string): Promise<void> {
    await this.links.delete({ applicationId });
    await this.retired.delete({ applicationId });
  }

  /**
   * A fresh 256-bit token for the application. Issued again — a redelivered task, or staff or
   * the CRM asked for a new link — it replaces the earlier one, which stops opening at once.
   * The link lives until `lastDeadline` (the form's, or the signature's once it is known) and
   * then opens the cabinet for USER_CABINET_ACCESS. The replaced token's hash is kept in
   * `client_links_retired` (same transaction, the current row locked), so `lookup` can still say
   * whose it was.
   */
  async issue(
    applicationId: string,
    linkDeadline: Date,
    lastDeadline: Date,
    holder: { name: string; email: string },
  ): Promise<IssuedLink> {
    const token = newSecret(32);
    const expiresAt = new Date(lastDeadline.getTime() + this.cabinetAccessMs);
    await this.links.manager.transaction(async (manager) => {
      const links = manager.getRepository(ClientLink);
      const current = await links.findOne({
        select: { id: true, tokenHash: true },
        where: { applicationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (current) {
        await manager
          .createQueryBuilder()
          .insert()
          .into(RetiredClientLink)
          .values({ tokenHash: current.tokenHash, applicationId })
          .orIgnore()
          .execute();
      }
      await links.upsert(
        {
          applicationId,
          tokenHash: secretHash(token),
          expiresAt,
          lastUsedAt: null,
          holderName: maskName(holder.name),
          holderEmail: maskEmail(holder.email),
        },
        ['applicationId'],
      );
    });
    return { token, formDeadline: linkDeadline };
  }

  /**
   * Staff moved the application's form or signing deadline: the link keeps working until
   * `lastDeadline` plus the cabinet period. Never earlier than it already works: a repeated or
   * out-of-order extension cannot cut a link short. One statement, so two extensions at once
   * keep the later. Null when the application has no link.
   */
  async extend(applicationId: string, lastDeadline: Date): Promise<{ expiresAt: Date } | null> {
    const wanted = new Date(lastDeadline.getTime() + this.cabinetAccessMs);
    const result = await this.links
      .createQueryBuilder()
      .update()
      .set({ expiresAt: () => 'GREATEST(expires_at, :wanted)' })
      .setParameter('wanted', wanted)
      .where('application_id = :applicationId', { applicationId })
      .returning('expires_at')
      .execute();
    const [row] = result.raw as { expires_at: Date }[];
    return row ? { expiresAt: row.expires_at } : null;
  }

  /**
   * What the link page shows before it opens a session: whose application this is (masked),
   * whether the link was ever opened, and whether the browser's current session belongs to
   * another application (which opening would replace). Changes nothing.
   */
  async preview(token: string, currentSession: string | undefined): Promise<LinkPreview> {
    const link = await this.valid(token);
    let current: string | null = null;
    if (currentSession) {
      current = await this.keys.verify(currentSession, 'client').then(
        ({ sub }) => sub,
        () => null, // expired or forged: nothing would be replaced
      );
    }
    return {
      holder: { name: link.holderName, email: link.holderEmail },
      firstOpening: !link.lastUsedAt,
      replacesSession: current !== null && current !== link.applicationId,
    };
  }

  /** Trades the link's token for a session scoped to its one application. */
  async exchange(token: string): Promise<{ session: string; applicationId: string; expiresAt: Date; ttlMs: number }> {
    const link = await this.valid(token);
    // The first exchange of a link is the funnel's "opened"; later visits are the same client again.
    if (!link.lastUsedAt) countFunnelStep('link_opened');
    await this.links.update(link.id, { lastUsedAt: new Date() });
    const session = await this.keys.sign({}, link.applicationId, 'client', this.sessionTtlMs);
    return {
      session,
      applicationId: link.applicationId,
      expiresAt: new Date(Date.now() + this.sessionTtlMs),
      ttlMs: this.sessionTtlMs,
    };
  }

  /**
   * Which application a token belongs to and why it does or does not open, for a client whose
   * link no longer works to ask for a new one. Changes nothing. Unknown tokens get the same
   * LINK_INVALID as `valid()` gives.
   */
  async lookup(token: string): Promise<LinkLookup> {
    const tokenHash = secretHash(token);
    const link = await this.links.findOne({ select: { applicationId: true, expiresAt: true }, where: { tokenHash } });
    if (link) {
      return { applicationId: link.applicationId, state: link.expiresAt.getTime() <= Date.now() ? 'expired' : 'valid' };
    }
    const retired = await this.retired.findOne({ select: { applicationId: true }, where: { tokenHash } });
    if (retired) {
      const { applicationId } = retired;
      const current = await this.links.findOne({
        select: { expiresAt: true, lastUsedAt: true },
        where: { applicationId },
      });
      return {
        applicationId,
        state: 'replaced',
        newerLinkInUse: !!current?.lastUsedAt && current.expiresAt.getTime() > Date.now(),
      };
    }
    throw userErrors.LINK_INVALID('This link is not valid or has expired');
  }

  private async valid(token: string): Promise<ClientLink> {
    const link = await this.links.findOneBy({ tokenHash: secretHash(token) });
    if (!link || link.expiresAt.getTime() <= Date.now()) {
      // One answer for unknown and expired tokens: nothing to learn by guessing.
      throw userErrors.LINK_INVALID('This link is not valid or has expired');
    }
    return link;
  }
}
