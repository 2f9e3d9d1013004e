import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DomainError, isDuplicateKey } from '@otus/common';
import type { Model } from 'mongoose';
import type { RenderedPdf } from './pdf/contract-pdf.renderer';
import { ContractDocument, type DocumentKind } from './document.schema';

@Injectable()
export class DocumentsService {
  constructor(@InjectModel(ContractDocument.name) private readonly documents: Model<ContractDocument>) {}

  /** Stores the application's draft or signed PDF once; a repeat returns the stored one. */
  async store(
    applicationId: string,
    kind: DocumentKind,
    rendered: RenderedPdf,
    createdAt: Date,
  ): Promise<ContractDocument> {
    try {
      const created = await this.documents.create({
        _id: documentId(applicationId, kind),
        applicationId,
        kind,
        pdf: rendered.pdf,
        sha256: rendered.sha256,
        size: rendered.pdf.length,
        templateId: rendered.templateId,
        templateVersion: rendered.templateVersion,
        createdAt,
      });
      return created.toObject();
    } catch (e) {
      if (isDuplicateKey(e)) return (await this.find(applicationId, kind))!;
      throw e;
    }
  }

  async find(applicationId: string, kind: DocumentKind): Promise<ContractDocument | null> {
    return this.documents.findById(documentId(applicationId, kind)).lean<ContractDocument>();
  }

  async get(applicationId: string, kind: DocumentKind): Promise<ContractDocument> {
    const document = await this.find(applicationId, kind);
    if (!document) throw new DomainError('DOCUMENT_NOT_FOUND', `No ${kind} contract yet`, { status: 404 });
    return document;
  }

  async byId(id: string): Promise<ContractDocument> {
    const document = await this.documents.findById(id).lean<ContractDocument>();
    if (!document) throw new DomainError('DOCUMENT_NOT_FOUND', `No document ${id}`, { status: 404 });
    return document;
  }
}

/**
 * A document's id follows from its application and kind, so every lookup is by `_id`. The local
 * Mongo-protocol server indexes nothing else: a lookup by `{ applicationId, kind }` decoded every
 * stored PDF, and drafts took seconds once a few hundred contracts were stored
 * (docs/performance.md). The unique index on `{ applicationId, kind }` still stands.
 */
export function documentId(applicationId: string, kind: DocumentKind): string {
  return `${applicationId}.${kind}`;
}

/** The PDF bytes as Mongo returns them (a Buffer, or BSON Binary from lean queries). */
export function pdfBytes(document: ContractDocument): Buffer {
  const pdf = document.pdf as Buffer | { buffer: Buffer };
  return Buffer.isBuffer(pdf) ? pdf : Buffer.from(pdf.buffer);
}
