import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { platformModules } from '@otus/common';
import { mongoDatabase } from '@otus/common/mongo';
import { ApplicationsModule } from './applications/applications.module';
import { ClientModule } from './client/client.module';
import { contractEnv } from './config';
import { CrmModule } from './crm/crm.module';
import { ErasureModule } from './erasure/erasure.module';
import { LifecycleModule } from './lifecycle/lifecycle.module';
import { PagesModule } from './pages/pages.module';
import { StaffModule } from './staff/staff.module';
import { VerificationModule } from './verification/verification.module';
import { ContractWorkerModule } from './worker/contract-worker.module';

@Module({
  imports: [
    ...platformModules({
      service: 'contract',
      env: contractEnv,
      database: mongoDatabase('CONTRACT_MONGO_URL'),
    }),
    ScheduleModule.forRoot(),
    ApplicationsModule,
    ClientModule,
    CrmModule,
    ErasureModule,
    LifecycleModule,
    PagesModule,
    StaffModule,
    VerificationModule,
    ContractWorkerModule,
  ],
})
export class AppModule {}
