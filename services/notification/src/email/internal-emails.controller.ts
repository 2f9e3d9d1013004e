import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Internal } from '@otus/common';
import { InternalEmailResponse, SendInternalEmailDto } from './dto/internal-email.dto';
import { EmailService } from './email.service';

/** For the contract service only (x-internal-token); the gateway answers 404 for /api/<service>/internal/…. */
@ApiTags('internal')
@Internal()
@Controller('internal/emails')
export class InternalEmailsController {
  constructor(private readonly emails: EmailService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send the signing-code e-mail now, once per applicationId + messageId',
    description: '503 EMAIL_NOT_SENT when SMTP is unavailable: retry with the same messageId.',
  })
  @ApiOkResponse({ type: InternalEmailResponse })
  send(@Body() dto: SendInternalEmailDto): Promise<InternalEmailResponse> {
    return this.emails.sendSigningCode(dto);
  }
}
