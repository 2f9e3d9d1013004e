import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { DocumentsModule } from '../documents/documents.module';
import { LifecycleModule } from '../lifecycle/lifecycle.module';
import { FinalizeHandler } from './finalize.handler';
import { GenerateDraftHandler } from './generate-draft.handler';
import { ReassessCourseHandler } from './reassess-course.handler';

@Module({
  imports: [DocumentsModule, ApplicationsModule, LifecycleModule],
  providers: [GenerateDraftHandler, FinalizeHandler, ReassessCourseHandler],
})
export class ContractWorkerModule {}
