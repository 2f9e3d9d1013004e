import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsIn, IsISO8601, IsString, Length, Matches, MaxLength, ValidateNested } from 'class-validator';

export class SigningCodeVariablesDto {
  /** Named `signingCode` so that the shared logger redacts it wherever it might be logged. */
  @ApiProperty({ example: '482915', description: 'The one-time code; used for this e-mail only, never stored' })
  @Matches(/^\d{4,10}$/, { message: 'signingCode must be 4-10 digits' })
  signingCode!: string;

  @ApiProperty({ example: 'Иван Петров' })
  @IsString()
  @Length(1, 200)
  clientName!: string;

  @ApiProperty({ example: 'Node.js Developer' })
  @IsString()
  @Length(1, 200)
  courseTitle!: string;

  @ApiProperty({ example: '2026-11-23T16:10:00Z', description: 'When the code stops working' })
  @IsISO8601({ strict: true })
  expiresAt!: string;
}

export class SendInternalEmailDto {
  @ApiProperty({ example: '3f1c6a0e-7a51-4c1e-9a55-1b1f0b0b2d11' })
  @IsString()
  @Length(1, 64)
  applicationId!: string;

  @ApiProperty({
    example: 'signing-code-1',
    description:
      'The caller’s id of this e-mail: with applicationId, the idempotency key (a retry sends nothing twice)',
  })
  @Matches(/^[A-Za-z0-9._:-]{1,100}$/, { message: 'messageId must be 1-100 letters, digits, ".", "_", ":" or "-"' })
  messageId!: string;

  @ApiProperty({ example: 'ivan@example.com' })
  @IsEmail()
  @MaxLength(254)
  to!: string;

  @ApiProperty({ enum: ['signing-code'] })
  @IsIn(['signing-code'])
  template!: 'signing-code';

  @ApiProperty({ type: SigningCodeVariablesDto })
  @ValidateNested()
  @Type(() => SigningCodeVariablesDto)
  variables!: SigningCodeVariablesDto;
}

export class InternalEmailResponse {
  @ApiProperty({ format: 'uuid', description: 'The message in the delivery log' }) id!: string;
  @ApiProperty({ enum: ['sent'] }) status!: 'sent';
  @ApiProperty({ description: 'True when an earlier call with this messageId had sent it already' })
  alreadySent!: boolean;
}
