import { TimestampedEntity } from '@otus/common/postgres';
import { Check, Column, Entity, ManyToMany } from 'typeorm';
import { Mentor } from '../mentors/mentor.entity';

/** Who of the school's staff hears of this course's applications ending or stalling (the notification service). */
export interface StaffNotifications {
  /** Staff e-mail addresses, lower-cased, without repeats. */
  recipients: string[];
  /** The course's mentors (their contact e-mail) get them too. */
  includeMentors: boolean;
  /** One e-mail a day with the day's events instead of one per event. */
  dailyDigest: boolean;
}

export const NO_STAFF_NOTIFICATIONS: StaffNotifications = { recipients: [], includeMentors: false, dailyDigest: false };

export enum CourseStatus {
  Draft = 'draft',
  Open = 'open',
  Closed = 'closed',
}

@Entity('courses')
@Check('courses_price_kopecks_check', '"price_kopecks" >= 0')
@Check('courses_capacity_check', '"capacity" >= 0')
export class Course extends TimestampedEntity {
  @Column({ length: 64, unique: true })
  code!: string;

  @Column({ length: 200 })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** Calendar date in the school's time zone, as 'YYYY-MM-DD'. */
  @Column({ name: 'start_date', type: 'date' })
  startDate!: string;

  @Column({ name: 'enrolment_deadline', type: 'timestamptz' })
  enrolmentDeadline!: Date;

  @Column({ name: 'price_kopecks', type: 'integer' })
  priceKopecks!: number;

  @Column({ type: 'integer' })
  capacity!: number;

  @Column({ type: 'enum', enum: CourseStatus, enumName: 'course_status', default: CourseStatus.Draft })
  status!: CourseStatus;

  /** Null: nobody is told (NO_STAFF_NOTIFICATIONS). */
  @Column({ name: 'staff_notifications', type: 'jsonb', nullable: true })
  staffNotifications!: StaffNotifications | null;

  @ManyToMany(() => Mentor, (mentor) => mentor.courses, { onDelete: 'CASCADE' })
  mentors?: Mentor[];
}
