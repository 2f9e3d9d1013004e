import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A short-lived URL to one signed contract, for the CRM (the `contract.signed` webhook carries it
 * instead of the file). Only the token's hash is kept: the token is in the URL and nowhere else.
 * No TTL index (the local Mongo-protocol server has none): `expiresAt` is checked on every use,
 * and the erasure job deletes links a day past it.
 */
@Schema({ collection: 'download_links', versionKey: false })
export class DownloadLink {
  /** SHA-256 of the token, hex. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  documentId!: string;

  @Prop({ required: true })
  applicationId!: string;

  @Prop({ required: true })
  expiresAt!: Date;
}

export const DownloadLinkSchema = SchemaFactory.createForClass(DownloadLink);
