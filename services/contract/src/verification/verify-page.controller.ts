import { Body, Controller, Get, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Consumes, DtoValidationPipe, type FieldError, isInvalidFields, Public } from '@otus/common';
import type { Response } from 'express';
import { PageRenderer } from '../pages/page-renderer';
import { PagesExceptionFilter } from '../pages/pages-exception.filter';
import { VerifyBySha256Dto } from './dto/verification.dto';
import { VerificationService } from './verification.service';
import { FIELD_MESSAGES, type VerifyFormErrors, type VerifyFormValues, verifyPage } from './verify-page';

/** The API's own DTO and pipe, run here so that a refusal comes back as the page with messages. */
const pipe = new DtoValidationPipe();

/**
 * The public check page, `/verify` (through the gateway, rate-limited there per address). Its
 * script checks a file in the browser through the JSON API; the form below works without it:
 * a plain POST of number and SHA-256, answered with the page and the result.
 */
@ApiExcludeController()
@Public()
@UseFilters(PagesExceptionFilter)
@Controller('verify')
export class VerifyPageController {
  constructor(
    private readonly verifications: VerificationService,
    private readonly renderer: PageRenderer,
  ) {}

  @Get()
  page(@Res() res: Response): void {
    this.renderer.send(res, 'verify', verifyPage());
  }

  @Post()
  @Consumes('application/x-www-form-urlencoded')
  async check(@Body() body: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const values: VerifyFormValues = { contractNumber: text(body.contractNumber), sha256: text(body.sha256) };
    // What people paste: the number in any case, a hash with spaces or colons (certutil prints both).
    const contractNumber = values.contractNumber.replace(/\s+/g, '').toUpperCase();
    const input = {
      sha256: values.sha256.replace(/[\s:]+/g, ''),
      ...(contractNumber ? { contractNumber } : {}),
    };
    let dto: VerifyBySha256Dto;
    try {
      dto = (await pipe.transform(input, { type: 'body', metatype: VerifyBySha256Dto })) as VerifyBySha256Dto;
    } catch (e) {
      if (!isInvalidFields(e)) throw e;
      return this.renderer.send(res, 'verify', verifyPage({ values, errors: formErrors(e.details) }), 400);
    }
    const result = await this.verifications.bySha256(dto.sha256, dto.contractNumber);
    this.renderer.send(res, 'verify', verifyPage({ result, values }));
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, 500) : '';
}

function formErrors(details: FieldError[]): VerifyFormErrors {
  const errors: VerifyFormErrors = {};
  for (const { field } of details) {
    if (field === 'contractNumber' || field === 'sha256') errors[field] = FIELD_MESSAGES[field];
  }
  return errors;
}
