import { TimestampedEntity } from '@otus/common/postgres';
import { Check, Column, Entity } from 'typeorm';

export enum CampaignDiscountType {
  Percent = 'percent',
  Fixed = 'fixed',
}

/** A promotion: when it runs, what it gives, to which courses, and how many uses it allows. */
@Entity('campaigns')
@Check(
  'campaigns_discount_value_check',
  `"discount_value" > 0 AND ("discount_type" <> 'percent' OR "discount_value" <= 100)`,
)
@Check('campaigns_period_check', '"ends_at" IS NULL OR "ends_at" > "starts_at"')
@Check('campaigns_max_uses_check', '"max_uses" IS NULL OR "max_uses" > 0')
@Check('campaigns_max_uses_per_email_check', '"max_uses_per_email" IS NULL OR "max_uses_per_email" > 0')
export class Campaign extends TimestampedEntity {
  @Column({ length: 200 })
  name!: string;

  @Column({ name: 'starts_at', type: 'timestamptz' })
  startsAt!: Date;

  /** null: open-ended. */
  @Column({ name: 'ends_at', type: 'timestamptz', nullable: true })
  endsAt!: Date | null;

  @Column({ name: 'discount_type', type: 'enum', enum: CampaignDiscountType, enumName: 'campaign_discount_type' })
  discountType!: CampaignDiscountType;

  /** Percent 1..100, or kopecks for a fixed discount. */
  @Column({ name: 'discount_value', type: 'integer' })
  discountValue!: number;

  /** Course codes the campaign applies to; empty: every course. */
  @Column({ name: 'course_codes', type: 'text', array: true, default: () => `'{}'` })
  courseCodes!: string[];

  /** Live uses (reserved + redeemed) over the whole campaign; null: unlimited. */
  @Column({ name: 'max_uses', type: 'integer', nullable: true })
  maxUses!: number | null;

  /** Live uses per client e-mail; null: unlimited. */
  @Column({ name: 'max_uses_per_email', type: 'integer', nullable: true })
  maxUsesPerEmail!: number | null;

  @Column({ default: true })
  active!: boolean;
}
