import { TimestampedEntity } from '@otus/common/postgres';
import { Check, Column, Entity } from 'typeorm';

/**
 * `engine-admin` opens Cockpit at the gateway; `admin` administers the app, not the engine.
 * `operator` reads applications; `manager` (a school's course manager) reads them too and steers
 * them: cancels them and extends their deadlines.
 */
export const STAFF_ROLES = ['admin', 'manager', 'operator', 'engine-admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

@Entity('users')
@Check('users_roles_known', `roles <@ ARRAY['admin', 'manager', 'operator', 'engine-admin']::varchar[]`)
export class User extends TimestampedEntity {
  /** Stored lower-case: one account per address, whatever its spelling. */
  @Column({ length: 254, unique: true })
  email!: string;

  @Column({ length: 200 })
  name!: string;

  @Column({ name: 'password_hash', type: 'text' })
  passwordHash!: string;

  @Column({ type: 'varchar', length: 32, array: true })
  roles!: StaffRole[];

  @Column({ default: true })
  active!: boolean;

  @Column({ name: 'password_changed_at', type: 'timestamptz', default: () => 'now()' })
  passwordChangedAt!: Date;

  /** Signs in to nothing but POST /auth/password until the password is changed (the first administrator in production). */
  @Column({ name: 'must_change_password', default: false })
  mustChangePassword!: boolean;
}
