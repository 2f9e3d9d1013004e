import { createHash } from 'node:crypto';
import type { Campaign } from '../campaigns/campaign.entity';
import type { PromoCode } from '../codes/promo-code.entity';
import { applyDiscount, fullPrice, type Price } from '../money/money';

/** Why a code gives nothing; `promoStatus` carries it, and the application goes on at full price. */
export const PROMO_REJECTIONS = ['PROMO_INVALID', 'PROMO_EXPIRED', 'PROMO_EXHAUSTED', 'PROMO_NOT_APPLICABLE'] as const;
export type PromoRejection = (typeof PROMO_REJECTIONS)[number];
export type PromoStatus = 'NONE' | 'APPLIED' | PromoRejection;

/** Live uses (reserved + redeemed) counted under the campaign's lock; `email` is unknown to the public check. */
export interface Uses {
  code: number;
  campaign: number;
  email?: number;
}

export type Verdict = ({ applicable: true } | { applicable: false; reason: PromoRejection }) & Price;

/**
 * The rules in the order a client would want to hear them: does the code exist, is its
 * campaign running, is it for this course, are uses left, does it take anything off.
 */
export function assessPromo(
  found: { code: PromoCode; campaign: Campaign } | null,
  uses: Uses,
  { courseCode, priceKopecks, now }: { courseCode: string; priceKopecks: number; now: Date },
): Verdict {
  const reject = (reason: PromoRejection): Verdict => ({ applicable: false, reason, ...fullPrice(priceKopecks) });
  if (!found || !found.campaign.active) return reject('PROMO_INVALID');
  const { code, campaign } = found;
  if (campaign.startsAt.getTime() > now.getTime()) return reject('PROMO_EXPIRED');
  if (campaign.endsAt && campaign.endsAt.getTime() <= now.getTime()) return reject('PROMO_EXPIRED');
  if (campaign.courseCodes.length > 0 && !campaign.courseCodes.includes(courseCode)) {
    return reject('PROMO_NOT_APPLICABLE');
  }
  if (
    reached(uses.code, code.maxUses) ||
    reached(uses.campaign, campaign.maxUses) ||
    (uses.email !== undefined && reached(uses.email, campaign.maxUsesPerEmail))
  ) {
    return reject('PROMO_EXHAUSTED');
  }
  const price = applyDiscount(priceKopecks, { type: campaign.discountType, value: campaign.discountValue });
  // A use that takes nothing off (a free course, 10 % of one kopeck) would only waste the code.
  if (price.discountKopecks === 0) return reject('PROMO_NOT_APPLICABLE');
  return { applicable: true, ...price };
}

/** How uses per client are counted without storing the address: sha256 of the trimmed, lower-cased e-mail. */
export function emailHash(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
}

function reached(used: number, limit: number | null): boolean {
  return limit !== null && used >= limit;
}
