import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { JWK } from 'jose';

export enum SigningKeyStatus {
  Active = 'active',
  Retired = 'retired',
}

/** An ES256 key pair; the private half is sealed at rest. Retired keys still verify until their tokens expire. */
@Entity('signing_keys')
export class SigningKey {
  @PrimaryColumn({ length: 64 })
  kid!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: JWK;

  @Column({ name: 'private_key_sealed', type: 'text' })
  privateKeySealed!: string;

  @Column({ type: 'enum', enum: SigningKeyStatus, enumName: 'signing_key_status' })
  status!: SigningKeyStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt!: Date | null;
}
