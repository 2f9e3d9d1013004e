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
}
