import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { CrmWebhookHandler } from './crm-webhook.handler';
import { SendEmailHandler } from './send-email.handler';
import { StaffNoticesModule } from '../staff/staff-notices.module';
import { StaffNoticeHandler } from './staff-notice.handler';

@Module({
  imports: [EmailModule, WebhooksModule, StaffNoticesModule],
  providers: [SendEmailHandler, CrmWebhookHandler, StaffNoticeHandler],
})
export class NotificationWorkerModule {}
