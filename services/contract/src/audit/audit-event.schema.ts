import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

/**
 * Append-only: who did what to an application, when, from where. Never updated or deleted.
 * Each application's events form a hash chain (audit-chain.ts); events stored before the
 * chain existed have an ObjectId `_id` and no `seq`, `prevHash` or `hash`.
 */
@Schema({ collection: 'audit_events', versionKey: false })
export class AuditEvent {
  /**
   * `<applicationId>.<seq, 6 digits>`: appending is an insert under the next position's id,
   * which the unique `_id` lets in once, on MongoDB and on the local Mongo-protocol server alike.
   */
  @Prop({ type: String })
  _id!: string;

  /** Indexed by the compound index below, whose prefix it is. */
  @Prop({ required: true })
  applicationId!: string;

  /** 1, 2, 3… per application. */
  @Prop()
  seq?: number;

  /** The previous event's `hash`; 64 zeros for seq 1. */
  @Prop()
  prevHash?: string;

  /** Hex SHA-256 of this event's fields and `prevHash` (eventHash()). */
  @Prop()
  hash?: string;

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

  /** Ids, hashes and codes of outcomes only: never personal data (a masked address at most). */
  @Prop({ type: Object })
  details?: Record<string, unknown>;

  /**
   * Erasure took `ip`, `userAgent` and the masked address out of this event: its hash can no
   * longer be recomputed, its place in the chain (seq, prevHash, hash) still is checked.
   */
  @Prop()
  redacted?: boolean;
}

export type AuditEventDocument = HydratedDocument<AuditEvent>;
export const AuditEventSchema = SchemaFactory.createForClass(AuditEvent);
// Not unique: events from before the chain all lack seq. The `_id` is the guard.
AuditEventSchema.index({ applicationId: 1, seq: 1 });
