import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AuditModule } from '../audit/audit.module';
import { CrmLifecycleController } from './crm-lifecycle.controller';
import { LifecycleService } from './lifecycle.service';
import { StaffLifecycleController } from './staff-lifecycle.controller';

@Module({
  imports: [ApplicationsModule, AuditModule],
  controllers: [StaffLifecycleController, CrmLifecycleController],
  providers: [LifecycleService],
  exports: [LifecycleService],
})
export class LifecycleModule {}
