import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AuditModule } from '../audit/audit.module';
import { ClientLinksClient } from './client-links.client';
import { CrmLifecycleController } from './crm-lifecycle.controller';
import { LifecycleService } from './lifecycle.service';
import { LinkRenewalController } from './link-renewal.controller';
import { StaffLifecycleController } from './staff-lifecycle.controller';

@Module({
  imports: [ApplicationsModule, AuditModule],
  controllers: [StaffLifecycleController, CrmLifecycleController, LinkRenewalController],
  providers: [LifecycleService, ClientLinksClient],
  exports: [LifecycleService],
})
export class LifecycleModule {}
