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

/**
 * The mailbox an address delivers to, as far as the per-e-mail limit is concerned, so that
 * `Ivan+1@Example.org` is not a new client beside `ivan@example.org`:
 * - trimmed and lower-cased (the whole address: mail providers do not tell local parts by case);
 * - a `+tag` is cut from the local part, on every domain (sub-addressing, RFC 5233);
 * - on gmail.com / googlemail.com, dots in the local part are dropped and the domain is gmail.com
 *   (Gmail delivers `i.van@` and `ivan@` to one mailbox). Other domains keep their dots.
 */
export function normaliseEmail(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 1) return address;
  let local = address.slice(0, at);
  let domain = address.slice(at + 1).replace(/\.$/, '');
  const plus = local.indexOf('+');
  if (plus > 0) local = local.slice(0, plus);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replaceAll('.', '');
  return `${local}@${domain}`;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** How uses per client are counted without storing the address: sha256 of the normalised e-mail. */
export function emailHash(email: string): string {
  return sha256(normaliseEmail(email));
}

/**
 * The hashes a stored use of this address may carry: its normalised hash, and the hash rows
 * written before normalisation hold (sha256 of the trimmed, lower-cased address). The two are
 * the same for an address without a tag (and, on Gmail, without dots).
 */
export function emailHashes(email: string): string[] {
  return [...new Set([emailHash(email), sha256(email.trim().toLowerCase())])];
}

function reached(used: number, limit: number | null): boolean {
  return limit !== null && used >= limit;
}
