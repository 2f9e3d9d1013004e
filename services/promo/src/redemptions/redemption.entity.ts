import { TimestampedEntity } from '@otus/common/postgres';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';
import { PromoCode } from '../codes/promo-code.entity';

export enum RedemptionStatus {
  Reserved = 'reserved',
  Redeemed = 'redeemed',
  Released = 'released',
}

/** Statuses that use up a code: a reserved use is taken until it is redeemed or released. */
export const LIVE_STATUSES = [RedemptionStatus.Reserved, RedemptionStatus.Redeemed];

/**
 * One application's use of a code, with the price locked when it was reserved. The unique
 * application id makes every operation idempotent.
 */
@Entity('redemptions')
@Check('redemptions_price_check', '"price_kopecks" >= 0')
@Check('redemptions_discount_check', '"discount_kopecks" >= 0 AND "discount_kopecks" <= "price_kopecks"')
@Check('redemptions_final_price_check', '"final_price_kopecks" = "price_kopecks" - "discount_kopecks"')
// The limits count live uses per code, per campaign and per campaign and e-mail. Not partial:
// the same indexes serve the foreign-key checks when a code or campaign is deleted.
@Index('redemptions_code_status', ['codeId', 'status'])
@Index('redemptions_campaign_status_email', ['campaignId', 'status', 'emailHash'])
export class Redemption extends TimestampedEntity {
  @Column({ name: 'application_id', length: 64, unique: true })
  applicationId!: string;

  @Column({ name: 'code_id', type: 'uuid' })
  codeId!: string;

  @ManyToOne(() => PromoCode, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'code_id' })
  code?: PromoCode;

  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  @ManyToOne(() => Campaign, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  /**
   * sha256 (hex) of the trimmed, lower-cased e-mail: enough to count uses per client, never the
   * address. Null once the application's personal data was erased (retention, or a request).
   */
  @Column({ name: 'email_hash', type: 'char', length: 64, nullable: true })
  emailHash!: string | null;

  @Column({ type: 'enum', enum: RedemptionStatus, enumName: 'redemption_status' })
  status!: RedemptionStatus;

  @Column({ name: 'price_kopecks', type: 'integer' })
  priceKopecks!: number;

  @Column({ name: 'discount_kopecks', type: 'integer' })
  discountKopecks!: number;

  @Column({ name: 'final_price_kopecks', type: 'integer' })
  finalPriceKopecks!: number;
}
