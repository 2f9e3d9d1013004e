import { TimestampedEntity } from '@otus/common/postgres';
import { Column, Entity, Index } from 'typeorm';

export enum Channel {
  Email = 'email',
  Webhook = 'webhook',
}

export enum MessageStatus {
  Pending = 'pending',
  Sent = 'sent',
  Failed = 'failed',
}

/**
 * One e-mail or webhook that must go out once: the unique idempotency key (process
 * instance + activity instance, or the caller's message id) is the guard against a
 * redelivered task sending it twice. `content` is what a resend needs to build it again,
 * never a raw link token or a signing code.
 */
@Entity('messages')
@Index('messages_application', ['applicationId', 'createdAt'])
export class Message extends TimestampedEntity {
  @Column({ name: 'idempotency_key', length: 300, unique: true })
  idempotencyKey!: string;

  /** sha256 of the key: the e-mail's Message-ID and the webhook's X-Otus-Event-Id. */
  @Column({ name: 'key_hash', type: 'char', length: 64 })
  keyHash!: string;

  @Column({ type: 'enum', enum: Channel, enumName: 'delivery_channel' })
  channel!: Channel;

  /** The e-mail template or the webhook event type. */
  @Column({ length: 64 })
  template!: string;

  /** Null for a message about no one application (a staff digest). */
  @Column({ name: 'application_id', type: 'varchar', length: 64, nullable: true })
  applicationId!: string | null;

  @Column({ name: 'process_instance_id', type: 'varchar', length: 64, nullable: true })
  processInstanceId!: string | null;

  @Column({ type: 'jsonb' })
  content!: Record<string, unknown>;

  /** False where a part of the message may not be kept (a signing code): the caller sends a new one instead. */
  @Column({ type: 'boolean', default: true })
  resendable!: boolean;

  @Column({ type: 'enum', enum: MessageStatus, enumName: 'message_status', default: MessageStatus.Pending })
  status!: MessageStatus;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** Set while one attempt runs, so a second worker holding the same task does not send in parallel. */
  @Column({ name: 'claimed_until', type: 'timestamptz', nullable: true })
  claimedUntil!: Date | null;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
