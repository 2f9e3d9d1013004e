import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where a CRM client's webhooks go, and the secret they are signed with (sealed: it must be read back to sign). */
@Entity('webhook_endpoints')
export class WebhookEndpoint {
  @PrimaryColumn('uuid')
  id!: string;

  /** The CRM client (process variable `crmClientId`) this endpoint serves. */
  @Column({ name: 'crm_client_id', length: 128, unique: true })
  crmClientId!: string;

  @Column({ length: 2048 })
  url!: string;

  /** The events this CRM client subscribed to; null: every event, including ones added later. */
  @Column({ type: 'varchar', length: 64, array: true, nullable: true })
  events!: string[] | null;

  /** SealedBox (NOTIFICATION_SECRET_SEAL_KEYS), bound to this endpoint's id. */
  @Column({ name: 'secret_sealed', type: 'text' })
  secretSealed!: string;

  /** The last characters of the secret, so an administrator can tell which one a CRM has. */
  @Column({ name: 'secret_hint', length: 16 })
  secretHint!: string;

  @Column({ name: 'secret_rotated_at', type: 'timestamptz' })
  secretRotatedAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
