import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A link token that a newer link of the same application replaced; only its SHA-256 is kept,
 * as in `client_links`. It opens nothing: it lets the link page tell a client who opens an old
 * link whose application it was, so they can ask for a new one.
 */
@Entity('client_links_retired')
export class RetiredClientLink {
  @PrimaryColumn({ name: 'token_hash', length: 64 })
  tokenHash!: string;

  @Index()
  @Column({ name: 'application_id', length: 64 })
  applicationId!: string;

  @CreateDateColumn({ name: 'retired_at', type: 'timestamptz' })
  retiredAt!: Date;
}
