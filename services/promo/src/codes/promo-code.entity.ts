import { TimestampedEntity } from '@otus/common/postgres';
import { Check, Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Campaign } from '../campaigns/campaign.entity';

/** A code a client types. Stored upper-case, so the unique index makes codes unique in any case. */
@Entity('promo_codes')
@Check('promo_codes_code_check', `"code" = upper("code")`)
@Check('promo_codes_max_uses_check', '"max_uses" IS NULL OR "max_uses" > 0')
@Index('promo_codes_campaign', ['campaignId'])
export class PromoCode extends TimestampedEntity {
  @Column({ name: 'campaign_id', type: 'uuid' })
  campaignId!: string;

  /** A campaign's codes go with it; redemptions (RESTRICT) keep a used campaign from being deleted. */
  @ManyToOne(() => Campaign, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'campaign_id' })
  campaign?: Campaign;

  @Column({ length: 40, unique: true })
  code!: string;

  /** 1: single-use; null: unlimited within the campaign's own limits. */
  @Column({ name: 'max_uses', type: 'integer', nullable: true })
  maxUses!: number | null;
}
