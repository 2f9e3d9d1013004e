import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptionalNotNull } from '@otus/common';
import { IsString, Matches } from 'class-validator';

export const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
export const CONTRACT_NUMBER = /^[0-9A-F]{8}$/;

/** A check by the document's SHA-256, computed where the file is: the PDF itself never travels. */
export class VerifyBySha256Dto {
  @ApiProperty({
    description: 'SHA-256 of the PDF file as it is, 64 hex digits (either case)',
    pattern: SHA256_HEX.source,
    example: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  })
  @IsString({ message: 'sha256 must be 64 hex digits' })
  @Matches(SHA256_HEX, { message: 'sha256 must be 64 hex digits' })
  sha256!: string;

  @ApiPropertyOptional({
    description: 'The contract number printed on the contract (8 characters 0-9, A-F); when given, it must match',
    pattern: CONTRACT_NUMBER.source,
    example: '3F2A9C1B',
  })
  @IsOptionalNotNull()
  @IsString({ message: 'contractNumber must be 8 characters 0-9, A-F' })
  @Matches(CONTRACT_NUMBER, { message: 'contractNumber must be 8 characters 0-9, A-F' })
  contractNumber?: string;
}

/**
 * - `VALID`: a contract the school concluded, byte for byte as issued (its SHA-256 is in the
 *   school's register of signed contracts). The seal fields say what the school's seal on it shows.
 * - `DRAFT`: a draft the school issued for signing. Not a signed contract; nothing else is said.
 * - `SEAL_BROKEN`: (uploaded PDF) not a document the school issued, but it carries the school's
 *   seal: the file was changed after sealing (inside the signed bytes, or appended to).
 * - `NOT_REGISTERED`: (uploaded PDF) carries an intact seal of the school over the whole file, but
 *   the school's register has no such document; ask the school.
 * - `NOT_FOUND`: the school issued no document with this SHA-256 (or not under this contract
 *   number): it did not come from OTUS Contract, or it was changed.
 */
export const VERIFICATION_RESULTS = ['VALID', 'DRAFT', 'SEAL_BROKEN', 'NOT_REGISTERED', 'NOT_FOUND'] as const;
export type VerificationResult = (typeof VERIFICATION_RESULTS)[number];

/** The answer of a check: what anyone holding the file may learn, and no personal data. */
export class VerificationResponseDto {
  @ApiProperty({
    enum: VERIFICATION_RESULTS,
    description:
      'VALID: a signed contract exactly as the school issued it. DRAFT: a draft, not a signed contract. ' +
      'SEAL_BROKEN: (upload) carries the school’s seal but was changed after sealing. NOT_REGISTERED: (upload) ' +
      'sealed by the school, intact, but not in its register. NOT_FOUND: no document of the school has ' +
      'this SHA-256 (under this contract number).',
  })
  result!: VerificationResult;

  @ApiProperty({ description: 'The SHA-256 that was checked (lower-case hex)', pattern: '^[0-9a-f]{64}$' })
  sha256!: string;

  @ApiPropertyOptional({ description: 'VALID only: the contract number', example: '3F2A9C1B' })
  contractNumber?: string;

  @ApiPropertyOptional({ description: 'VALID only: when the client signed', type: String, format: 'date-time' })
  signedAt?: string;

  @ApiPropertyOptional({
    description: 'VALID only: the signer, masked (the surname’s first letter, then initials)',
    example: 'И***** И. И.',
  })
  signer?: string;

  @ApiPropertyOptional({ description: 'VALID only: the version of the contract template', example: '2026.11' })
  templateVersion?: string;

  @ApiPropertyOptional({
    description:
      'Present when the PDF carries a seal: the sealed bytes are unchanged and cover the whole file. ' +
      'Contracts issued before sealing began carry none.',
  })
  sealIntact?: boolean;

  @ApiPropertyOptional({
    description: 'Present when the PDF carries a seal: it was made with the school’s certificate',
  })
  sealedByUs?: boolean;
}
