import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AuditModule } from '../audit/audit.module';
import { DocumentsModule } from '../documents/documents.module';
import { FinalizeHandler } from './finalize.handler';
import { GenerateDraftHandler } from './generate-draft.handler';

@Module({
  imports: [ApplicationsModule, DocumentsModule, AuditModule],
  providers: [GenerateDraftHandler, FinalizeHandler],
})
export class ContractWorkerModule {}
