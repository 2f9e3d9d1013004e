import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** What a CourseChanged message carries to the processes of a course (process variables). */
export type CourseChangeVariables = {
  courseStatus: 'open' | 'closed' | 'draft';
  /** ISO instant. */
  courseEnrolmentDeadline: string;
  /** ISO instant: 00:00 of the start date in COURSE_TIME_ZONE. */
  courseStartsAt: string;
  /**
   * The start date itself, YYYY-MM-DD. Not `courseStartDate`: a draft awaiting signature keeps the
   * date it prints; contract.reassess-course copies it for applications before their draft.
   */
  courseNewStartDate: string;
  /** The course's code changed (or it was deleted): the applications under the old code lose it. */
  courseRenamed?: boolean;
};

/**
 * The outbox of CourseChanged messages: written in the transaction that changes the course, sent
 * to the engine afterwards by CourseChangeDelivery (at least once, in order per course).
 */
@Entity('course_changes')
// The delivery loop reads only what is still to send, per course, oldest first.
@Index('course_changes_undelivered', ['courseCode', 'id'], { where: 'delivered_at IS NULL' })
export class CourseChange {
  /** Increasing: the order of the changes of one course (they are written under its row lock). */
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  /** The code the running processes carry as `courseCode` (the correlation key). */
  @Column({ name: 'course_code', length: 64 })
  courseCode!: string;

  @Column({ type: 'jsonb' })
  variables!: CourseChangeVariables;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Set once the engine took the message; null while it is still to send. */
  @Column({ name: 'delivered_at', type: 'timestamptz', nullable: true })
  deliveredAt!: Date | null;

  /** How many executions took the message (0: no application of the course was waiting). */
  @Column({ type: 'integer', nullable: true })
  executions!: number | null;
}
