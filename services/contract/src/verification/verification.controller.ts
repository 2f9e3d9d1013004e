import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, Consumes, invalidFields, Public } from '@otus/common';
import type { Request } from 'express';
import { VerificationResponseDto, VerifyBySha256Dto } from './dto/verification.dto';
import { PDF_BODY_LIMIT } from './pdf-body.middleware';
import { VerificationService } from './verification.service';

/**
 * The public check of a signed contract, for anyone (through the gateway's
 * `/api/contract/public/`, rate-limited there per address). Answers 200 with a result code.
 */
@ApiTags('verifications')
@Public()
@Controller('public/verifications')
export class VerificationController {
  constructor(private readonly verifications: VerificationService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({ summary: 'Check a contract by the SHA-256 of its PDF (and, optionally, its number)' })
  @ApiOkResponse({ type: VerificationResponseDto })
  @ApiErrorResponses(400, 429)
  bySha256(@Body() dto: VerifyBySha256Dto): Promise<VerificationResponseDto> {
    return this.verifications.bySha256(dto.sha256, dto.contractNumber);
  }

  @Post('pdf')
  @HttpCode(200)
  @Consumes('application/pdf')
  @ApiOperation({
    summary: `Check a contract by its PDF file (the body, up to ${PDF_BODY_LIMIT}); also checks its seal`,
  })
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiOkResponse({ type: VerificationResponseDto })
  @ApiErrorResponses(400, { status: 413, description: `PAYLOAD_TOO_LARGE: more than ${PDF_BODY_LIMIT}` }, 415, 429)
  byPdf(@Req() req: Request): Promise<VerificationResponseDto> {
    const pdf: unknown = req.body;
    if (!Buffer.isBuffer(pdf) || pdf.length === 0) {
      throw invalidFields([{ field: 'body', errors: ['Send the PDF file as the body, Content-Type application/pdf'] }]);
    }
    return this.verifications.byPdf(pdf);
  }
}
