import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

/**
 * A client's decision for the process that was not delivered yet, one per application, kept until
 * the process takes it; or an announcement (a fact the process passes on, e.g. the link was
 * opened), one per application and message, kept until the process takes it or cannot. A collection of its own, not a field of the application: the worker that
 * moves the application on (draft ready, concluded) writes the application at the very moment the
 * message is cleared, and two writers of one document must not depend on the database merging them.
 */
@Schema({ collection: 'pending_messages', versionKey: false })
export class PendingMessage {
  /** The application id for a decision; `<application id>:<message>` for an announcement. */
  @Prop({ type: String, required: true })
  _id!: string;

  /** Set for announcements (absent on decisions, whose `_id` is the application id). */
  @Prop({ type: String })
  applicationId?: string;

  /** An announcement: a process that does not catch it (ended, or on an older model) drops it. */
  @Prop({ type: Boolean })
  announcement?: boolean;

  @Prop({ required: true })
  name!: string;

  @Prop({ type: Object, default: {} })
  variables!: Record<string, unknown>;

  @Prop({ required: true })
  since!: Date;

  /** Deliveries tried so far that the process did not take. */
  @Prop({ default: 0 })
  attempts!: number;

  /** When to try again: later after each miss (the retry policy's back-off). */
  @Prop({ index: true })
  nextAttemptAt?: Date;
}

export type PendingMessageDocument = HydratedDocument<PendingMessage>;
export const PendingMessageSchema = SchemaFactory.createForClass(PendingMessage);
