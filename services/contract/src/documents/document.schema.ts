import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

export type DocumentKind = 'draft' | 'signed';

/** A contract PDF with its SHA-256; one draft and one signed version per application. */
@Schema({ collection: 'documents', versionKey: false })
export class ContractDocument {
  /** documentId(applicationId, kind): lookups go by `_id` only. */
  @Prop({ type: String })
  _id!: string;

  @Prop({ required: true })
  applicationId!: string;

  @Prop({ required: true, enum: ['draft', 'signed'] })
  kind!: DocumentKind;

  @Prop({ required: true, type: Buffer })
  pdf!: Buffer;

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
ContractDocumentSchema.index({ applicationId: 1, kind: 1 }, { unique: true });
