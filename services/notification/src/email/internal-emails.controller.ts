import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Internal } from '@otus/common';
import { InternalEmailResponse, SendInternalEmailDto } from './dto/internal-email.dto';
import { EmailService } from './email.service';

/**
 * For the contract service only (x-internal-token); the gateway answers 404 for /api/<service>/internal/….
 * Not in the published OpenAPI document.
 */
@ApiExcludeController()
@Internal()
@Controller('internal/emails')
export class InternalEmailsController {
  constructor(private readonly emails: EmailService) {}

  /**
   * Sends the signing-code e-mail now, once per applicationId + messageId. 503 EMAIL_NOT_SENT
   * when SMTP is unavailable: retry with the same messageId.
   */
  @Post()
  @HttpCode(200)
  send(@Body() dto: SendInternalEmailDto): Promise<InternalEmailResponse> {
    return this.emails.sendSigningCode(dto);
  }
}
