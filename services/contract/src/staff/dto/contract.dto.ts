import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf, PageQuery } from '@otus/common';
import { IsEnum, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApplicationStatus } from '../../applications/application.schema';

export class ListContractsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ApplicationStatus })
  @IsOptional()
  @IsEnum(ApplicationStatus)
  status?: ApplicationStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/)
  courseCode?: string;

  @ApiPropertyOptional({ description: 'Created at or after (ISO-8601)' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'Created before (ISO-8601)' })
  @IsOptional()
  @IsISO8601()
  to?: string;

  @ApiPropertyOptional({ description: 'Part of the name, e-mail or CRM id' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class CancellationSummary {
  @ApiProperty() reasonCode!: string;
  @ApiProperty({ nullable: true, type: String }) reasonText!: string | null;
  @ApiProperty({ enum: ['staff', 'crm'] }) by!: string;
  @ApiProperty() at!: string;
}

/** What staff see of a contract: no passport data, birth date or address. */
export class ContractSummary {
  @ApiProperty() applicationId!: string;
  @ApiProperty() crmApplicationId!: string;
  @ApiProperty() courseCode!: string;
  @ApiProperty() clientName!: string;
  @ApiProperty() clientEmail!: string;
  @ApiProperty() clientPhone!: string;
  @ApiProperty({ enum: ApplicationStatus }) status!: ApplicationStatus;
  @ApiProperty({ nullable: true, type: String }) outcome!: string | null;
  @ApiProperty({ nullable: true, type: String }) outcomeReason!: string | null;
  @ApiProperty() hasDraft!: boolean;
  @ApiProperty() hasSigned!: boolean;
  @ApiProperty({ nullable: true, type: String }) signedAt!: string | null;
  @ApiProperty({ nullable: true, type: CancellationSummary }) cancellation!: CancellationSummary | null;
  @ApiProperty() createdAt!: string;
}

export class ContractPage extends PageOf(ContractSummary) {}

/** One line of an application's audit trail. */
export class AuditEventResponse {
  @ApiProperty({
    example: '3f2a9c1b-5d7e-4a8b-9c0d-1e2f3a4b5c6d.000003',
    description: '`<applicationId>.<seq>`; an ObjectId on events from before the chain',
  })
  _id!: string;
  @ApiProperty() applicationId!: string;
  @ApiPropertyOptional({ example: 3, description: 'Position in the hash chain; absent on events from before it' })
  seq?: number;
  @ApiPropertyOptional({ description: "Hex SHA-256: the previous event's hash, 64 zeros for seq 1" })
  prevHash?: string;
  @ApiPropertyOptional({ description: "Hex SHA-256 of this event's fields and prevHash (RFC 8785 JSON)" })
  hash?: string;
  @ApiProperty({ example: 'client', description: '`client`, `crm:<client id>`, `staff:<user id>` or `system`' })
  actor!: string;
  @ApiProperty({ example: 'signing-code.sent' }) action!: string;
  @ApiProperty() at!: string;
  @ApiPropertyOptional() ip?: string;
  @ApiPropertyOptional() userAgent?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Ids, hashes, outcome codes' })
  details?: Record<string, unknown>;
}

export const AUDIT_CHAIN_BREAKS = ['HASH_MISMATCH', 'PREV_HASH_MISMATCH', 'SEQ_GAP'] as const;

/** The first event at which the chain does not hold. */
export class AuditChainBreak {
  @ApiProperty({ example: 4 }) seq!: number;
  @ApiProperty({ example: '3f2a9c1b-5d7e-4a8b-9c0d-1e2f3a4b5c6d.000004' }) eventId!: string;
  @ApiProperty({
    enum: AUDIT_CHAIN_BREAKS,
    description:
      "HASH_MISMATCH: the event's fields no longer give its hash; PREV_HASH_MISMATCH: it does not link to the " +
      'stored event before it; SEQ_GAP: the position before it is missing',
  })
  reason!: (typeof AUDIT_CHAIN_BREAKS)[number];
}

/** The outcome of recomputing an application's audit chain. */
export class AuditVerificationResponse {
  @ApiProperty({ description: 'Every chained event matches its hash and links to the one before' })
  valid!: boolean;
  @ApiProperty({ example: 9, description: 'Chained events checked' })
  events!: number;
  @ApiProperty({ example: 0, description: 'Events stored before the trail was chained (no seq): not covered' })
  unchained!: number;
  @ApiPropertyOptional({ type: AuditChainBreak, description: 'Only when valid is false' })
  brokenAt?: AuditChainBreak;
}
