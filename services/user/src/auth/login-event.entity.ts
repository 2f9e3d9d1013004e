import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export const LOGIN_EVENTS = [
  'login.succeeded',
  'login.failed',
  'login.locked',
  'login.refused',
  'login.unlocked',
  'password.changed',
] as const;
export type LoginEventType = (typeof LOGIN_EVENTS)[number];

/** The audit of staff sign-ins: every failure, lock, refusal while locked, unlock and password change. */
@Entity('login_events')
@Index(['email', 'at'])
export class LoginEvent {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** As typed (lower-cased), whether or not an account has it. */
  @Column({ length: 254 })
  email!: string;

  /** The account, when one has this e-mail. */
  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId!: string | null;

  @Column({ type: 'varchar', length: 32 })
  event!: LoginEventType;

  /** The caller's address as the gateway saw it. */
  @Column({ name: 'client_address', type: 'varchar', length: 64, nullable: true })
  clientAddress!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  detail!: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  at!: Date;
}
