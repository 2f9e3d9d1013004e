import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AuditModule } from '../audit/audit.module';
import { DocumentsModule } from '../documents/documents.module';
import { CrmRecordsController } from './crm-records.controller';

/** The CRM's read side beyond the application itself: its signed contract and the timeline. */
@Module({
  imports: [ApplicationsModule, AuditModule, DocumentsModule],
  controllers: [CrmRecordsController],
})
export class CrmModule {}
