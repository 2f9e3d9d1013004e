import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DeliveriesController } from './deliveries.controller';
import { DeliveriesModule } from './deliveries.module';
import { InternalErasureController } from './internal-erasure.controller';
import { ResendService } from './resend.service';

/** The admin REST of the delivery log; apart from DeliveriesModule because a resend needs both channels. */
@Module({
  imports: [DeliveriesModule, EmailModule, WebhooksModule],
  controllers: [DeliveriesController, InternalErasureController],
  providers: [ResendService],
})
export class DeliveriesApiModule {}
