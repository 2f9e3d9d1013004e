import { Module } from '@nestjs/common';
import { DocumentsModule } from '../documents/documents.module';
import { FinalizeHandler } from './finalize.handler';
import { GenerateDraftHandler } from './generate-draft.handler';

@Module({
  imports: [DocumentsModule],
  providers: [GenerateDraftHandler, FinalizeHandler],
})
export class ContractWorkerModule {}
