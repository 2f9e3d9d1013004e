import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ApplicationsModule } from '../applications/applications.module';
import { AuditModule } from '../audit/audit.module';
import { ContractDocument, ContractDocumentSchema } from '../documents/document.schema';
import { DownloadLink, DownloadLinkSchema } from '../documents/download-link.schema';
import { PendingMessage, PendingMessageSchema } from '../process/pending-message.schema';
import { SigningCode, SigningCodeSchema } from '../signing/signing-code.schema';
import { ErasureController } from './erasure.controller';
import { ErasureJob } from './erasure.job';
import { ErasureService } from './erasure.service';
import { PeerErasure } from './peer-erasure.client';
import { PersonalDataEraser } from './personal-data-eraser';

/** Retention and erasure of personal data (docs/operations.md, "Retention and erasure"). */
@Module({
  imports: [
    ApplicationsModule,
    AuditModule,
    MongooseModule.forFeature([
      { name: ContractDocument.name, schema: ContractDocumentSchema },
      { name: DownloadLink.name, schema: DownloadLinkSchema },
      { name: PendingMessage.name, schema: PendingMessageSchema },
      { name: SigningCode.name, schema: SigningCodeSchema },
    ]),
  ],
  controllers: [ErasureController],
  providers: [ErasureService, ErasureJob, PersonalDataEraser, PeerErasure],
})
export class ErasureModule {}
