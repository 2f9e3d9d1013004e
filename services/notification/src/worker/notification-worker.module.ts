import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CrmWebhookHandler } from './crm-webhook.handler';
import { SendEmailHandler } from './send-email.handler';

@Module({
  imports: [EmailModule, WebhooksModule],
  providers: [SendEmailHandler, CrmWebhookHandler],
})
export class NotificationWorkerModule {}
