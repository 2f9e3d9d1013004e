import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ApplicationsModule } from '../applications/applications.module';
import { AuditModule } from '../audit/audit.module';
import { ContractComposer } from './contract-composer';
import { ContractIssuer } from './contract-issuer';
import { ContractDocument, ContractDocumentSchema, DocumentDigest, DocumentDigestSchema } from './document.schema';
import { DocumentsService } from './documents.service';
import { DownloadLink, DownloadLinkSchema } from './download-link.schema';
import { DownloadLinks } from './download-links.service';
import { InternalDocumentsController } from './internal-documents.controller';
import { ContractPdfRenderer } from './pdf/contract-pdf.renderer';
import { PublicDocumentsController } from './public-documents.controller';
import { SealModule } from './seal/seal.module';

@Module({
  imports: [
    MongooseModule.forFeature([
      { name: ContractDocument.name, schema: ContractDocumentSchema },
      { name: DocumentDigest.name, schema: DocumentDigestSchema },
      { name: DownloadLink.name, schema: DownloadLinkSchema },
    ]),
    ApplicationsModule,
    AuditModule,
    SealModule,
  ],
  controllers: [InternalDocumentsController, PublicDocumentsController],
  providers: [DocumentsService, DownloadLinks, ContractComposer, ContractPdfRenderer, ContractIssuer],
  exports: [DocumentsService, ContractIssuer],
})
export class DocumentsModule {}
