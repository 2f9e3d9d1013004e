import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { EngineModule } from '@otus/common';
import { AuditModule } from '../audit/audit.module';
import { Application, ApplicationSchema } from './application.schema';
import { ApplicationsController } from './applications.controller';
import { ApplicationsService } from './applications.service';
import { ProcessStartClaim, ProcessStartClaimSchema } from './process-start-claim.schema';
import { PersonalDataVault } from './personal-data';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: Application.name, schema: ApplicationSchema },
      { name: ProcessStartClaim.name, schema: ProcessStartClaimSchema },
    ]),
    EngineModule,
    AuditModule,
  ],
  controllers: [ApplicationsController],
  providers: [ApplicationsService, PersonalDataVault],
  exports: [ApplicationsService, PersonalDataVault, MongooseModule, EngineModule],
})
export class ApplicationsModule {}
