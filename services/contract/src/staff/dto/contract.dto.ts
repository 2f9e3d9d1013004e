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
  @ApiProperty() createdAt!: string;
}

export class ContractPage extends PageOf(ContractSummary) {}

/** One line of an application's audit trail. */
export class AuditEventResponse {
  @ApiProperty() applicationId!: string;
  @ApiProperty({ example: 'client', description: '`client`, `crm:<client id>`, `staff:<user id>` or `system`' })
  actor!: string;
  @ApiProperty({ example: 'signing-code.sent' }) action!: string;
  @ApiProperty() at!: string;
  @ApiPropertyOptional() ip?: string;
  @ApiPropertyOptional() userAgent?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'Ids, hashes, outcome codes' })
  details?: Record<string, unknown>;
}
