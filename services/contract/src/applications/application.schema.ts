import { randomUUID } from 'node:crypto';
import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { HydratedDocument } from 'mongoose';

/** Where the application is, as far as this service is concerned; the process's own end is `outcome`. */
export enum ApplicationStatus {
  Created = 'CREATED',
  DataSubmitted = 'DATA_SUBMITTED',
  DraftReady = 'DRAFT_READY',
  Signed = 'SIGNED',
  Declined = 'DECLINED',
  Concluded = 'CONCLUDED',
  /** Staff or the CRM cancelled it; the process releases what it held and ends `CANCELLED`. */
  Cancelled = 'CANCELLED',
}

/** How a process can end: the `outcome` its end event sets (bpmn/contract-conclusion.bpmn, docs/engine.md). */
export const OUTCOMES = [
  'CONCLUDED',
  'REJECTED',
  'LINK_EXPIRED',
  'NO_SEATS',
  'DECLINED',
  'SIGNING_EXPIRED',
  'FAILED',
  'CANCELLED',
  'COURSE_UNAVAILABLE',
] as const;

/** Who cancelled, and why: the code goes to the CRM and the process, the text to the client too. */
export interface Cancellation {
  reasonCode: string;
  reasonText: string | null;
  by: 'staff' | 'crm';
  actor: string;
  at: Date;
}

/** What the client typed that identifies them; sealed at rest (AES-256-GCM), the key id inside the seal. */
export interface SealedPersonalData {
  sealed: string;
  keyId: string;
}

/** What erasure kept of its own act: who, why, when (the personal data itself is gone). */
export interface Erasure {
  at: Date;
  /** `staff:<user id>` for a request, `system` for the retention job. */
  by: string;
  trigger: 'retention' | 'request';
  reasonCode: string;
}

export interface Signature {
  signerName: string;
  signedAt: Date;
  ip: string;
  userAgent: string;
  codeSentTo: string;
  draftDocumentId: string;
  draftSha256: string;
}

@Schema({ collection: 'applications', versionKey: false, timestamps: true })
export class Application {
  @Prop({ type: String, default: () => randomUUID() })
  _id!: string;

  @Prop({ required: true })
  crmClientId!: string;

  @Prop({ required: true })
  crmApplicationId!: string;

  @Prop({ required: true })
  courseCode!: string;

  @Prop({ required: true })
  clientName!: string;

  @Prop({ required: true })
  clientEmail!: string;

  @Prop({ required: true })
  clientPhone!: string;

  @Prop({ type: String, default: null })
  promoCode!: string | null;

  @Prop({ type: String, default: null })
  crmWebhookUrl!: string | null;

  @Prop({ type: String, default: null })
  processInstanceId!: string | null;

  @Prop({ type: String, enum: ApplicationStatus, default: ApplicationStatus.Created, index: true })
  status!: ApplicationStatus;

  /** From the form: the signer's full name as it goes into the contract. */
  @Prop({ type: String, default: null })
  fullName!: string | null;

  @Prop({ type: Object, default: null })
  personal!: SealedPersonalData | null;

  @Prop({ type: Date, default: null })
  dataSubmittedAt!: Date | null;

  @Prop({ type: String, default: null })
  draftDocumentId!: string | null;

  @Prop({ type: String, default: null })
  signedDocumentId!: string | null;

  @Prop({ type: Object, default: null })
  signature!: Signature | null;

  /** The client's own words when declining (null: none given). */
  @Prop({ type: String, default: null })
  declineReason!: string | null;

  /** The reason the client chose when declining (DECLINE_REASONS); null before they declined. */
  @Prop({ type: String, default: null })
  declineReasonCode!: string | null;

  @Prop({ type: Object, default: null })
  cancellation!: Cancellation | null;

  /** Set when the caps on codes and tries ran out; staff unlock it (SigningService.unlock). */
  @Prop({ type: Date, default: null })
  signingLockedAt!: Date | null;

  /** Which allowance of codes the client is on: 0 at first, one more after each unlock. */
  @Prop({ type: Number, default: 0 })
  signingRound!: number;

  /** The process's end (`CONCLUDED`, `REJECTED`, …) once known. */
  @Prop({ type: String, default: null })
  outcome!: string | null;

  /** When the process ended (set with the outcome): retention counts from here. */
  @Prop({ type: Date, default: null })
  endedAt!: Date | null;

  /** Until when its personal data is kept (set with the outcome, CONTRACT_RETENTION_*); the erasure job's key. */
  @Prop({ type: Date, default: null, index: true })
  retainUntil!: Date | null;

  /** When the erasure job last looked at an application whose end it did not know yet: it takes the oldest first. */
  @Prop({ type: Date, default: null })
  retentionCheckedAt!: Date | null;

  /** Set once the personal data and documents were erased; the record keeps ids, course, outcome, dates, hashes. */
  @Prop({ type: Object, default: null })
  erasure!: Erasure | null;

  @Prop({ type: String, default: null })
  outcomeReason!: string | null;

  createdAt!: Date;
  updatedAt!: Date;
}

export type ApplicationDocument = HydratedDocument<Application>;
export const ApplicationSchema = SchemaFactory.createForClass(Application);
// One application per CRM application id, whatever the CRM retries.
ApplicationSchema.index({ crmClientId: 1, crmApplicationId: 1 }, { unique: true });
ApplicationSchema.index({ courseCode: 1, createdAt: -1 });
