import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ApplicationsModule } from '../applications/applications.module';
import { ContractComposer } from './contract-composer';
import { ContractDocument, ContractDocumentSchema } from './document.schema';
import { DocumentsService } from './documents.service';
import { InternalDocumentsController } from './internal-documents.controller';
import { ContractPdfRenderer } from './pdf/contract-pdf.renderer';

@Module({
  imports: [
    MongooseModule.forFeature([{ name: ContractDocument.name, schema: ContractDocumentSchema }]),
    ApplicationsModule,
  ],
  controllers: [InternalDocumentsController],
  providers: [DocumentsService, ContractComposer, ContractPdfRenderer],
  exports: [DocumentsService, ContractComposer, ContractPdfRenderer],
})
export class DocumentsModule {}
