import { Injectable, Logger } from '@nestjs/common';
import { EmailService } from '../email/email.service';
import { WebhookService } from '../webhooks/webhook.service';
import { DeliveryLogService } from './delivery-log.service';
import type { DeliveryResponse } from './dto/delivery.dto';
import { Channel } from './message.entity';
import { notificationErrors } from '../notification-errors';

/** An administrator's resend: the same message, rebuilt from what was stored, as a new logged attempt. */
@Injectable()
export class ResendService {
  private readonly logger = new Logger(ResendService.name);

  constructor(
    private readonly log: DeliveryLogService,
    private readonly emails: EmailService,
    private readonly webhooks: WebhookService,
  ) {}

  async resend(deliveryId: string): Promise<DeliveryResponse> {
    const { message } = await this.log.find(deliveryId);
    if ((message.content as { erased?: boolean }).erased) {
      throw notificationErrors.NOT_RESENDABLE(
        "This message was erased with the application's personal data: there is nothing left to send",
      );
    }
    const attempt =
      message.channel === Channel.Email ? await this.emails.resend(message) : await this.webhooks.resend(message);
    this.logger.log(
      { messageId: message.id, applicationId: message.applicationId, deliveryId: attempt.id, status: attempt.status },
      'message resent',
    );
    return this.log.respond(attempt, await this.log.findMessage(message.id));
  }
}
