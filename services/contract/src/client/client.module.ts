import { Module } from '@nestjs/common';
import { ApplicationsModule } from '../applications/applications.module';
import { AuditModule } from '../audit/audit.module';
import { DocumentsModule } from '../documents/documents.module';
import { ProcessModule } from '../process/process.module';
import { SigningModule } from '../signing/signing.module';
import { ClientApiController } from './client-api.controller';
import { ClientService } from './client.service';

@Module({
  imports: [ApplicationsModule, ProcessModule, AuditModule, SigningModule, DocumentsModule],
  controllers: [ClientApiController],
  providers: [ClientService],
  exports: [ClientService],
})
export class ClientModule {}
