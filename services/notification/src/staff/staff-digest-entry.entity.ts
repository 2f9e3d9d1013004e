import { TimestampedEntity } from '@otus/common/postgres';
import { Column, Entity, Index } from 'typeorm';

/**
 * A staff notice kept for the course's daily digest (`createdAt` is when it happened). The task's
 * key makes a redelivered task add nothing; `digestKey` names the digest e-mail that carried it.
 */
@Entity('staff_digest_entries')
@Index('staff_digest_entries_pending', ['courseCode', 'createdAt'], { where: 'digest_key IS NULL' })
export class StaffDigestEntry extends TimestampedEntity {
  @Column({ name: 'idempotency_key', length: 300, unique: true })
  idempotencyKey!: string;

  @Column({ name: 'course_code', length: 64 })
  courseCode!: string;

  @Column({ name: 'application_id', length: 64 })
  applicationId!: string;

  @Column({ name: 'crm_application_id', type: 'varchar', length: 128, nullable: true })
  crmApplicationId!: string | null;

  /** A StaffEvent. */
  @Column({ length: 32 })
  event!: string;

  /** The reason as staff read it (Russian), when the event has one. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  reason!: string | null;

  @Column({ name: 'digest_key', type: 'varchar', length: 300, nullable: true })
  digestKey!: string | null;
}
