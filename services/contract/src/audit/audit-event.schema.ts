import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

/** Append-only: who did what to an application, when, from where. Never updated or deleted. */
@Schema({ collection: 'audit_events', versionKey: false })
export class AuditEvent {
  @Prop({ required: true, index: true })
  applicationId!: string;

  /** `client`, `crm:<client id>`, `staff:<user id>` or `system`. */
  @Prop({ required: true })
  actor!: string;

  @Prop({ required: true })
  action!: string;

  @Prop({ required: true, default: () => new Date() })
  at!: Date;

  @Prop()
  ip?: string;

  @Prop()
  userAgent?: string;

  /** Ids, hashes and codes of outcomes only: never personal data. */
  @Prop({ type: Object })
  details?: Record<string, unknown>;
}

export type AuditEventDocument = HydratedDocument<AuditEvent>;
export const AuditEventSchema = SchemaFactory.createForClass(AuditEvent);
