import { TimestampedEntity } from '@otus/common';
import { Check, Column, Entity } from 'typeorm';

export const STAFF_ROLES = ['admin', 'operator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

@Entity('users')
@Check('users_roles_known', `roles <@ ARRAY['admin', 'operator']::varchar[]`)
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
}
