import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKey } from '@otus/common/mongo';
import type { Model } from 'mongoose';
import { PersonalDataVault } from '../applications/personal-data';
import type { RenderedPdf } from './pdf/contract-pdf.renderer';
import { ContractDocument, DocumentDigest, type DocumentKind } from './document.schema';
import { contractErrors } from '../contract-errors';

@Injectable()
export class DocumentsService {
  constructor(
    @InjectModel(ContractDocument.name) private readonly documents: Model<ContractDocument>,
    @InjectModel(DocumentDigest.name) private readonly digests: Model<DocumentDigest>,
    private readonly vault: PersonalDataVault,
  ) {}

  /** Stores the application's draft or signed PDF once, sealed; a repeat returns the stored one. */
  async store(
    applicationId: string,
    kind: DocumentKind,
    rendered: RenderedPdf,
    createdAt: Date,
  ): Promise<ContractDocument> {
    const id = documentId(applicationId, kind);
    const { sealed, keyId } = this.vault.sealDocument(id, rendered.pdf);
    let stored: ContractDocument;
    try {
      stored = (
        await this.documents.create({
          _id: id,
          applicationId,
          kind,
          sealedPdf: sealed,
          keyId,
          sha256: rendered.sha256,
          size: rendered.pdf.length,
          templateId: rendered.templateId,
          templateVersion: rendered.templateVersion,
          createdAt,
        })
      ).toObject();
    } catch (e) {
      if (!isDuplicateKey(e)) throw e;
      stored = (await this.find(applicationId, kind))!;
    }
    // Written after the document (a repeat writes it again), so a digest never names a missing one.
    await this.digests
      .updateOne({ _id: stored.sha256 }, { $setOnInsert: { documentId: stored._id } }, { upsert: true })
      .catch((e: unknown) => {
        if (!isDuplicateKey(e)) throw e;
      });
    return stored;
  }

  async find(applicationId: string, kind: DocumentKind): Promise<ContractDocument | null> {
    return this.documents.findById(documentId(applicationId, kind)).lean<ContractDocument>();
  }

  async get(applicationId: string, kind: DocumentKind): Promise<ContractDocument> {
    const document = await this.find(applicationId, kind);
    if (!document) throw contractErrors.DOCUMENT_NOT_FOUND(`No ${kind} contract yet`);
    return document;
  }

  async byId(id: string): Promise<ContractDocument> {
    const document = await this.documents.findById(id).lean<ContractDocument>();
    if (!document) throw contractErrors.DOCUMENT_NOT_FOUND(`No document ${id}`);
    return document;
  }

  /** The stored document whose plaintext has this SHA-256, if any. */
  async findBySha256(sha256: string): Promise<ContractDocument | null> {
    const digest = await this.digests.findById(sha256.toLowerCase()).lean();
    return digest ? this.documents.findById(digest.documentId).lean<ContractDocument>() : null;
  }

  /** The plaintext PDF. The seal is bound to the document's id: a sealed PDF copied onto another document does not open. */
  open(document: ContractDocument): Buffer {
    return this.vault.openDocument(document._id, document.sealedPdf);
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
