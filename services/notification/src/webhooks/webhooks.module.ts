import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { EmailModule } from '../email/email.module';
import { WebhookEndpoint } from './webhook-endpoint.entity';
import { WebhookEndpointsController } from './webhook-endpoints.controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';
import { WebhookService } from './webhook.service';

@Module({
  imports: [TypeOrmModule.forFeature([WebhookEndpoint]), DeliveriesModule, EmailModule],
  controllers: [WebhookEndpointsController],
  providers: [WebhookEndpointsService, WebhookService],
  exports: [WebhookService, WebhookEndpointsService],
})
export class WebhooksModule {}
