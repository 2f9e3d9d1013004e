import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { ClientLinks } from './client-links';
import { EmailTemplates } from './email-templates';
import { EmailService } from './email.service';
import { InternalEmailsController } from './internal-emails.controller';
import { MailerService } from './mailer.service';
import { ContractClient } from './contract.client';

@Module({
  imports: [DeliveriesModule],
  controllers: [InternalEmailsController],
  providers: [EmailService, EmailTemplates, MailerService, ContractClient, ClientLinks],
  exports: [EmailService, ClientLinks, ContractClient],
})
export class EmailModule {}
