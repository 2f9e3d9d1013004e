import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The unique link of one application; only the token's SHA-256 is kept. */
@Entity('client_links')
export class ClientLink {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'application_id', length: 64, unique: true })
  applicationId!: string;

  @Column({ name: 'token_hash', length: 64, unique: true })
  tokenHash!: string;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  /** Whose link it is, masked (`П***** И.`, `i***@example.org`): the link page shows it before opening. */
  @Column({ name: 'holder_name', type: 'varchar', length: 200, nullable: true })
  holderName!: string | null;

  @Column({ name: 'holder_email', type: 'varchar', length: 254, nullable: true })
  holderEmail!: string | null;
}
