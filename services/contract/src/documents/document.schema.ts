import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

export type DocumentKind = 'draft' | 'signed';

/**
 * A contract PDF, sealed at rest like the personal data it prints (AES-256-GCM, the key id in
 * the sealed value), with the SHA-256 of the plaintext for verification; a draft per revision
 * (0 first, one more after each correction of the client's data) and one signed version per
 * application. Withdrawn drafts stay stored for the audit trail.
 */
@Schema({ collection: 'documents', versionKey: false })
export class ContractDocument {
  /** documentId(applicationId, kind): lookups go by `_id` only. */
  @Prop({ type: String })
  _id!: string;

  @Prop({ required: true })
  applicationId!: string;

  @Prop({ required: true, type: String, enum: ['draft', 'signed'] })
  kind!: DocumentKind;

  /** Which draft of the application: 0 first, n after the client's n-th correction; 0 for the signed one. */
  @Prop({ type: Number, default: 0 })
  revision!: number;

  /** `SealedBox` form of the PDF, bound to this document's id (see DocumentsService.open). */
  @Prop({ required: true, type: String })
  sealedPdf!: string;

  /** Set when the application's personal data was erased: `sealedPdf` is gone, id and hash stay. */
  @Prop({ type: Date })
  erasedAt?: Date;

  /** The key that sealed it: what a key rotation has left to re-seal. */
  @Prop({ required: true, type: String, index: true })
  keyId!: string;

  /** Hex SHA-256 of the plaintext PDF, as the client and a verifier see it. */
  @Prop({ required: true })
  sha256!: string;

  @Prop({ required: true })
  size!: number;

  @Prop({ required: true })
  templateId!: string;

  @Prop({ required: true })
  templateVersion!: string;

  @Prop({ required: true })
  createdAt!: Date;
}

export type ContractDocumentDocument = HydratedDocument<ContractDocument>;
export const ContractDocumentSchema = SchemaFactory.createForClass(ContractDocument);
ContractDocumentSchema.index({ applicationId: 1, kind: 1, revision: 1 }, { unique: true });
/** The index before drafts had revisions (one draft per application); dropped at start-up. */
export const LEGACY_DOCUMENT_INDEX = 'applicationId_1_kind_1';

/**
 * The public check looks a document up by its hash; on the local Mongo-protocol server only
 * `_id` lookups are cheap (docs/mongo-server.md), so the hash is an `_id` of its own here.
 */
@Schema({ collection: 'document_digests', versionKey: false })
export class DocumentDigest {
  /** Hex SHA-256 of the plaintext PDF. */
  @Prop({ type: String })
  _id!: string;

  @Prop({ required: true })
  documentId!: string;
}

export const DocumentDigestSchema = SchemaFactory.createForClass(DocumentDigest);
