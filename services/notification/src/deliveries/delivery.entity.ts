import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Message } from './message.entity';

export enum DeliveryStatus {
  Sent = 'sent',
  Failed = 'failed',
}

/** What started an attempt: a worker task, an administrator's resend, or another service's internal call. */
export enum DeliveryTrigger {
  Task = 'task',
  Resend = 'resend',
  Internal = 'internal',
}

/** One attempt to deliver a message: the delivery log. */
@Entity('deliveries')
@Unique('deliveries_message_attempt', ['messageId', 'attempt'])
@Index('deliveries_created', ['createdAt'])
export class Delivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'message_id', type: 'uuid' })
  messageId!: string;

  @ManyToOne(() => Message, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'message_id' })
  message?: Message;

  /** 1, 2, … across task runs, in-process retries and resends of the message. */
  @Column({ type: 'integer' })
  attempt!: number;

  /** The e-mail address, or the webhook URL without its query string. */
  @Column({ length: 2048 })
  recipient!: string;

  @Column({ type: 'enum', enum: DeliveryStatus, enumName: 'delivery_status' })
  status!: DeliveryStatus;

  /** The SMTP reply code or the HTTP status; null when no answer came. */
  @Column({ name: 'response_code', type: 'integer', nullable: true })
  responseCode!: number | null;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs!: number;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'enum', enum: DeliveryTrigger, enumName: 'delivery_trigger' })
  trigger!: DeliveryTrigger;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
