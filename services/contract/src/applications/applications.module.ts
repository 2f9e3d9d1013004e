import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EngineModule } from '@otus/common';
import { AuditModule } from '../audit/audit.module';
import { Application, ApplicationSchema } from './application.schema';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';
import { InternalDeclineReasonController } from './internal-decline-reason.controller';
import { InternalProcessEventsController } from './internal-process-events.controller';
import { StepClaim, StepClaimSchema } from './step-claim.schema';
import { StepClaims } from './step-claims';
import { PersonalDataVault } from './personal-data';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Application.name, schema: ApplicationSchema },
      { name: StepClaim.name, schema: StepClaimSchema },
    ]),
    EngineModule,
    AuditModule,
  ],
  controllers: [ApplicationsController, InternalProcessEventsController, InternalDeclineReasonController],
  providers: [ApplicationsService, PersonalDataVault, StepClaims],
  exports: [ApplicationsService, PersonalDataVault, StepClaims, MongooseModule, EngineModule],
})
export class ApplicationsModule {}
