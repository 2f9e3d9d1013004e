import { TimestampedEntity } from '@otus/common/postgres';
import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { Course } from '../courses/course.entity';

export enum SeatHoldStatus {
  Held = 'held',
  Confirmed = 'confirmed',
  Released = 'released',
  Expired = 'expired',
}

/** One application's claim on one seat; the unique application id makes every operation idempotent. */
@Entity('seat_holds')
// Counting taken seats reads only the live holds of one course.
@Index('seat_holds_live', ['courseId', 'status'], { where: `status IN ('held', 'confirmed')` })
export class SeatHold extends TimestampedEntity {
  @Column({ name: 'course_id', type: 'uuid' })
  courseId!: string;

  /** A course with seat history cannot be deleted; it is closed instead. */
  @ManyToOne(() => Course, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'course_id' })
  course?: Course;

  @Column({ name: 'application_id', length: 64, unique: true })
  applicationId!: string;

  @Column({ type: 'enum', enum: SeatHoldStatus, enumName: 'seat_hold_status' })
  status!: SeatHoldStatus;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
