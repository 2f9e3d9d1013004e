import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { isDuplicateKey } from '@otus/common/mongo';
import type { Model } from 'mongoose';
import { Application } from '../applications/application.schema';
import { PersonalDataVault } from '../applications/personal-data';
import type { RenderedPdf } from './pdf/contract-pdf.renderer';
import { ContractDocument, DocumentDigest, type DocumentKind, LEGACY_DOCUMENT_INDEX } from './document.schema';
import { contractErrors } from '../contract-errors';

@Injectable()
export class DocumentsService implements OnModuleInit {
  private readonly logger = new Logger(DocumentsService.name);

  constructor(
    @InjectModel(ContractDocument.name) private readonly documents: Model<ContractDocument>,
    @InjectModel(DocumentDigest.name) private readonly digests: Model<DocumentDigest>,
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly vault: PersonalDataVault,
  ) {}

  /**
   * A database made before drafts had revisions holds a unique index on `{ applicationId, kind }`,
   * which would refuse an application's second draft: it goes (the schema's index includes the
   * revision). Once done, this finds nothing to drop.
   */
  async onModuleInit(): Promise<void> {
    try {
      const indexes = await this.documents.collection.indexes();
      if (indexes.some((i) => i.name === LEGACY_DOCUMENT_INDEX)) {
        await this.documents.collection.dropIndex(LEGACY_DOCUMENT_INDEX);
        this.logger.log({ index: LEGACY_DOCUMENT_INDEX }, 'dropped the one-draft-per-application index');
      }
    } catch (e) {
      // No collection yet (a new database): nothing to drop. Anything else shows at the second draft.
      this.logger.warn({ err: (e as Error).message }, 'could not check the documents indexes');
    }
  }

  /**
   * Stores the application's draft (of a revision) or signed PDF once, sealed; a repeat returns
   * the stored one.
   */
  async store(
    applicationId: string,
    kind: DocumentKind,
    rendered: RenderedPdf,
    createdAt: Date,
    revision = 0,
  ): Promise<ContractDocument> {
    const id = documentId(applicationId, kind, revision);
    const { sealed, keyId } = this.vault.sealDocument(id, rendered.pdf);
    let stored: ContractDocument;
    try {
      stored = (
        await this.documents.create({
          _id: id,
          applicationId,
          kind,
          revision: kind === 'draft' ? revision : 0,
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
      stored = (await this.find(applicationId, kind, revision))!;
    }
    // Written after the document (a repeat writes it again), so a digest never names a missing one.
    await this.digests
      .updateOne({ _id: stored.sha256 }, { $setOnInsert: { documentId: stored._id } }, { upsert: true })
      .catch((e: unknown) => {
        if (!isDuplicateKey(e)) throw e;
      });
    return stored;
  }

  async find(applicationId: string, kind: DocumentKind, revision = 0): Promise<ContractDocument | null> {
    return this.documents.findById(documentId(applicationId, kind, revision)).lean<ContractDocument>();
  }

  /**
   * The document the client and staff are offered: the draft the application points at (a draft
   * withdrawn by a correction is kept, but no longer offered; none while a new one is made), or
   * the signed contract.
   */
  async current(applicationId: string, kind: DocumentKind): Promise<ContractDocument> {
    const notYet = () => contractErrors.DOCUMENT_NOT_FOUND(`No ${kind} contract yet`);
    let document: ContractDocument | null;
    if (kind === 'signed') {
      document = await this.find(applicationId, 'signed');
    } else {
      const application = await this.applications
        .findById(applicationId, { draftDocumentId: 1 })
        .lean<{ draftDocumentId?: string | null }>();
      const id = application?.draftDocumentId;
      document = id ? await this.documents.findById(id).lean<ContractDocument>() : null;
    }
    if (!document) throw notYet();
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
    if (document.erasedAt) {
      throw contractErrors.DOCUMENT_ERASED(
        `Document ${document._id} was erased with the application's personal data on ${document.erasedAt.toISOString()}; its SHA-256 is kept`,
      );
    }
    return this.vault.openDocument(document._id, document.sealedPdf);
  }
}

/**
 * A document's id follows from its application, kind and draft revision, so every lookup is by
 * `_id`. The local Mongo-protocol server indexes nothing else: a lookup by `{ applicationId, kind }`
 * decoded every stored PDF, and drafts took seconds once a few hundred contracts were stored
 * (docs/performance.md). The unique index on `{ applicationId, kind, revision }` still stands.
 * The first draft is `<id>.draft` (as before revisions), the draft after the n-th correction
 * `<id>.draft.<n>`.
 */
export function documentId(applicationId: string, kind: DocumentKind, revision = 0): string {
  return kind === 'draft' && revision > 0 ? `${applicationId}.draft.${revision}` : `${applicationId}.${kind}`;
}
