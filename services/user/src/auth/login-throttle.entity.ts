import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Sign-in attempts per e-mail address, known account or not (so a lock says nothing about
 * whether the account exists). An attempt is claimed before the password is checked; a
 * successful sign-in deletes the row.
 */
@Entity('login_throttles')
export class LoginThrottle {
  /** Lower-case, as users.email. */
  @PrimaryColumn({ length: 254 })
  email!: string;

  /** Attempts claimed in the current window (failed or still being checked). */
  @Column({ type: 'int' })
  attempts!: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  /** Locks since the last successful sign-in: each lasts twice as long as the one before. */
  @Column({ type: 'int', default: 0 })
  locks!: number;
}
