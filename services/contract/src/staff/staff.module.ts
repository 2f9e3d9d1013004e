import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AuditModule } from '../audit/audit.module';
import { DocumentsModule } from '../documents/documents.module';
import { ContractsController } from './contracts.controller';
import { ContractsService } from './contracts.service';

@Module({
  imports: [ApplicationsModule, DocumentsModule, AuditModule],
  controllers: [ContractsController],
  providers: [ContractsService],
})
export class StaffModule {}
