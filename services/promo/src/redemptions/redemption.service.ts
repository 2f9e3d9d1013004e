import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DomainError } from '@otus/common';
import { Counter } from 'prom-client';
import { DataSource, EntityManager, In } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { parseCode } from '../codes/code-format';
import { PromoCode } from '../codes/promo-code.entity';
import { fullPrice } from '../money/money';
import type { CheckPromoCodeDto, PromoCheckResponse } from './dto/promo-check.dto';
import { assessPromo, emailHash, emailHashes, type PromoStatus, type Uses, type Verdict } from './promo-rules';
import { LIVE_STATUSES, Redemption, RedemptionStatus } from './redemption.entity';
import { promoErrors } from '../promo-errors';

export interface UseCounts {
  reserved: number;
  redeemed: number;
}

export interface ReserveRequest {
  applicationId: string;
  /** As the client entered it; null, undefined or blank: no code. */
  promoCode?: string | null;
  courseCode: string;
  priceKopecks: number;
  clientEmail: string;
}

/** What `promo.validate` writes: the price is locked here for the draft and the signed contract. */
export interface PromoOutcome {
  promoStatus: PromoStatus;
  discountKopecks: number;
  finalPriceKopecks: number;
}

const promoOperations = new Counter({
  name: 'promo_operations_total',
  help: 'Promo code uses reserved, redeemed and released, and codes rejected by reason',
  labelNames: ['operation', 'reason'],
});

@Injectable()
export class RedemptionService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** What a code would give, without reserving anything (the client form's preview). */
  async check(dto: CheckPromoCodeDto, now = new Date()): Promise<PromoCheckResponse> {
    const code = parseCode(dto.code);
    const found = code ? await this.find(code) : null;
    const uses = found ? await this.countUses(this.db.manager, found.code) : { code: 0, campaign: 0 };
    const verdict = assessPromo(found, uses, { ...dto, now });
    return {
      applicable: verdict.applicable,
      reason: verdict.applicable ? undefined : verdict.reason,
      discountKopecks: verdict.discountKopecks,
      finalPriceKopecks: verdict.finalPriceKopecks,
    };
  }

  /**
   * Validates the application's code and, when it applies, reserves one use at the price of
   * this moment. The campaign and code rows are locked, so the last use goes to one
   * application only. Asked again for the same application, it answers from the reservation.
   */
  async reserve(request: ReserveRequest, now = new Date()): Promise<PromoOutcome> {
    if (!request.promoCode?.trim()) return { promoStatus: 'NONE', ...amounts(fullPrice(request.priceKopecks)) };
    const result = await this.db.transaction((em) => this.reserveIn(em, request, now));
    if (result instanceof Redemption) {
      if (result.status === RedemptionStatus.Released) throw released(result.applicationId);
      return { promoStatus: 'APPLIED', ...amounts(result) };
    }
    if (!result.applicable) {
      promoOperations.inc({ operation: 'rejected', reason: result.reason });
      return { promoStatus: result.reason, ...amounts(result) };
    }
    promoOperations.inc({ operation: 'reserved' });
    return { promoStatus: 'APPLIED', ...amounts(result) };
  }

  /** The contract is signed: the reserved use becomes a redeemed one. Nothing reserved: nothing to do. */
  async redeem(applicationId: string): Promise<Redemption | null> {
    return this.db.transaction(async (em) => {
      const redemption = await em.findOne(Redemption, {
        where: { applicationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!redemption || redemption.status === RedemptionStatus.Redeemed) return redemption;
      if (redemption.status === RedemptionStatus.Released) throw released(applicationId);
      redemption.status = RedemptionStatus.Redeemed;
      await em.save(redemption);
      promoOperations.inc({ operation: 'redeemed' });
      return redemption;
    });
  }

  /** Compensation: gives the use back, reserved or already redeemed. Nothing reserved: nothing to do. */
  async release(applicationId: string): Promise<Redemption | null> {
    const result = await this.db
      .createQueryBuilder()
      .update(Redemption)
      .set({ status: RedemptionStatus.Released })
      .where({ applicationId, status: In(LIVE_STATUSES) })
      .execute();
    if (result.affected) promoOperations.inc({ operation: 'released' });
    return this.db.manager.findOneBy(Redemption, { applicationId });
  }

  /** Live uses per campaign or per code, for the admin views. */
  async counts(by: 'campaign' | 'code', ids: string[]): Promise<Map<string, UseCounts>> {
    const result = new Map(ids.map((id) => [id, { reserved: 0, redeemed: 0 }]));
    if (ids.length === 0) return result;
    const column = by === 'campaign' ? 'campaign_id' : 'code_id';
    const rows: { id: string; status: RedemptionStatus; n: number }[] = await this.db.query(
      `SELECT ${column} AS id, status, count(*)::int AS n FROM redemptions
        WHERE ${column} = ANY($1) AND status IN ('reserved', 'redeemed') GROUP BY 1, 2`,
      [ids],
    );
    for (const row of rows) result.get(row.id)![row.status as keyof UseCounts] = row.n;
    return result;
  }

  /** The reservation this application already has, or the verdict on its code (reserved when applicable). */
  private async reserveIn(em: EntityManager, request: ReserveRequest, now: Date): Promise<Redemption | Verdict> {
    const { applicationId } = request;
    const existing = await em.findOneBy(Redemption, { applicationId });
    if (existing) return existing;
    const found = await this.lock(em, parseCode(request.promoCode));
    // Re-read under the lock: a concurrent delivery of the same task may have reserved meanwhile.
    const raced = found && (await em.findOneBy(Redemption, { applicationId }));
    if (raced) return raced;
    const hash = emailHash(request.clientEmail);
    const uses = found
      ? await this.countUses(em, found.code, emailHashes(request.clientEmail))
      : { code: 0, campaign: 0, email: 0 };
    const verdict = assessPromo(found, uses, { ...request, now });
    if (!verdict.applicable || !found) return verdict;
    await em.insert(Redemption, {
      applicationId,
      codeId: found.code.id,
      campaignId: found.campaign.id,
      emailHash: hash,
      status: RedemptionStatus.Reserved,
      priceKopecks: verdict.priceKopecks,
      discountKopecks: verdict.discountKopecks,
      finalPriceKopecks: verdict.finalPriceKopecks,
    });
    return verdict;
  }

  /** Locks the campaign, then the code: the order a campaign delete cascades in, so the two never deadlock. */
  private async lock(em: EntityManager, code: string | null): Promise<{ code: PromoCode; campaign: Campaign } | null> {
    const unlocked = code ? await em.findOneBy(PromoCode, { code }) : null;
    if (!unlocked) return null;
    const write = { mode: 'pessimistic_write' } as const;
    const campaign = await em.findOne(Campaign, { where: { id: unlocked.campaignId }, lock: write });
    const locked = campaign && (await em.findOne(PromoCode, { where: { id: unlocked.id }, lock: write }));
    return campaign && locked ? { code: locked, campaign } : null;
  }

  private async find(code: string): Promise<{ code: PromoCode; campaign: Campaign } | null> {
    const found = await this.db.manager.findOne(PromoCode, { where: { code }, relations: { campaign: true } });
    return found?.campaign ? { code: found, campaign: found.campaign } : null;
  }

  /** `hashes`: every hash a use of the client's mailbox may be stored under (see emailHashes). */
  private async countUses(em: EntityManager, code: PromoCode, hashes?: string[]): Promise<Uses> {
    const [row]: { code: number; campaign: number; email: number }[] = await em.query(
      `SELECT count(*) FILTER (WHERE code_id = $2)::int AS code,
              count(*)::int AS campaign,
              count(*) FILTER (WHERE email_hash = ANY($3::char(64)[]))::int AS email
         FROM redemptions WHERE campaign_id = $1 AND status IN ('reserved', 'redeemed')`,
      [code.campaignId, code.id, hashes ?? []],
    );
    return hashes ? row : { code: row.code, campaign: row.campaign };
  }
}

function amounts({ discountKopecks, finalPriceKopecks }: { discountKopecks: number; finalPriceKopecks: number }) {
  return { discountKopecks, finalPriceKopecks };
}

function released(applicationId: string): DomainError {
  return promoErrors.PROMO_RESERVATION_RELEASED(`The promo code use of application ${applicationId} was released`);
}
