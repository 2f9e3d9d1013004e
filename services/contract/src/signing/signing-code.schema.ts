import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

/** The current one-time code of an application: its HMAC only and its deadline; its tries are step claims. */
@Schema({ collection: 'signing_codes', versionKey: false })
export class SigningCode {
  @Prop({ required: true, unique: true })
  applicationId!: string;

  @Prop({ required: true })
  codeHash!: string;

  /** Changes with every code sent: the notification service's idempotency key. */
  @Prop({ required: true })
  messageId!: string;

  @Prop({ required: true })
  sentAt!: Date;

  @Prop({ required: true })
  expiresAt!: Date;

  @Prop({ type: Date, default: null })
  usedAt!: Date | null;

  /**
   * The draft it was sent for: it signs that draft only, never a newer one made after a
   * correction. Null for codes stored before drafts had revisions (they were for `<id>.draft`).
   */
  @Prop({ type: String, default: null })
  draftDocumentId!: string | null;
}

export type SigningCodeDocument = HydratedDocument<SigningCode>;
export const SigningCodeSchema = SchemaFactory.createForClass(SigningCode);
