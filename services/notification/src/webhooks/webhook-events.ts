import { z } from 'zod';
import { DEADLINE_CHANGES, DEADLINE_KINDS, instant } from '../email/email-variables';

export const WEBHOOK_EVENTS = [
  'application.rejected',
  'link.sent',
  'link.reissued',
  'application.expired',
  'application.no-seats',
  'contract.declined',
  'contract.signing-expired',
  'signing.locked',
  'contract.signed',
  'application.failed',
  'application.cancelled',
  'application.deadline-changed',
  'application.course-unavailable',
  'link.renewal-requested',
  'link.opened',
  'data.submitted',
  'draft.ready',
  'reminder.sent',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The version of every payload's schema (`schemaVersion`, and the `:v1` of its `$id`); raised only by a change a receiver must adapt to. */
export const WEBHOOK_SCHEMA_VERSION = 1;

/** What the client gave when declining (from the contract service: the text is theirs, kept out of the process). */
export interface DeclineReason {
  reasonCode: string;
  reasonText: string | null;
}

/**
 * The outcome code a CRM records for each event. The process sets `outcome` only at its end
 * event, after the webhook has gone, so the code comes from the event type; `final` says
 * whether the application is closed with it.
 */
export const EVENT_OUTCOMES: Record<WebhookEvent, { outcome: string; final: boolean }> = {
  'application.rejected': { outcome: 'REJECTED', final: true },
  'link.sent': { outcome: 'LINK_SENT', final: false },
  'link.reissued': { outcome: 'LINK_REISSUED', final: false },
  'application.expired': { outcome: 'LINK_EXPIRED', final: true },
  'application.no-seats': { outcome: 'NO_SEATS', final: true },
  'contract.declined': { outcome: 'DECLINED', final: true },
  'contract.signing-expired': { outcome: 'SIGNING_EXPIRED', final: true },
  'signing.locked': { outcome: 'SIGNING_LOCKED', final: false },
  'contract.signed': { outcome: 'CONCLUDED', final: true },
  'application.failed': { outcome: 'FAILED', final: true },
  'application.cancelled': { outcome: 'CANCELLED', final: true },
  'application.deadline-changed': { outcome: 'DEADLINE_CHANGED', final: false },
  'application.course-unavailable': { outcome: 'COURSE_UNAVAILABLE', final: true },
  'link.renewal-requested': { outcome: 'LINK_RENEWAL_REQUESTED', final: false },
  'link.opened': { outcome: 'LINK_OPENED', final: false },
  'data.submitted': { outcome: 'DATA_SUBMITTED', final: false },
  'draft.ready': { outcome: 'DRAFT_READY', final: false },
  'reminder.sent': { outcome: 'REMINDER_SENT', final: false },
};

const id = z.string().trim().min(1).max(128);
const code = z.string().trim().min(1).max(64);
const kopecks = z.number().int().min(0).max(2_147_483_647);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const webhookUrl = z.url({ protocol: /^https?$/ }).max(2048);

/** Where the webhook goes: the application's own URL, else its CRM client's endpoint, else the default. */
const routing = {
  crmClientId: id.nullish(),
  crmWebhookUrl: webhookUrl.nullish(),
};
const application = { applicationId: id, crmApplicationId: id.nullish(), courseCode: code, ...routing };

/**
 * Process variables of `notification.crm-webhook`, per event. `application.failed` comes from
 * the INVALID_VARIABLES path, where anything may be missing: there it asks for nothing, since
 * an error inside that event subprocess is not caught by the model (it would only be an incident).
 */
export const webhookTaskInput = z.discriminatedUnion('webhookEvent', [
  z.object({ webhookEvent: z.literal('application.rejected'), ...application, rejectReason: code }),
  z.object({ webhookEvent: z.literal('link.sent'), ...application, linkExpiresAt: instant }),
  // A new link (staff or the CRM asked): the old one stopped opening; linkExpiresAt is the stage's deadline.
  z.object({ webhookEvent: z.literal('link.reissued'), ...application, linkExpiresAt: instant }),
  z.object({ webhookEvent: z.literal('application.expired'), ...application }),
  z.object({ webhookEvent: z.literal('application.no-seats'), ...application }),
  z.object({ webhookEvent: z.literal('contract.declined'), ...application }),
  z.object({ webhookEvent: z.literal('contract.signing-expired'), ...application }),
  z.object({
    webhookEvent: z.literal('signing.locked'),
    ...application,
    signingLockReason: z.enum(['TRIES_EXHAUSTED', 'CODES_EXHAUSTED']),
  }),
  z.object({
    webhookEvent: z.literal('contract.signed'),
    ...application,
    promoStatus: code,
    discountKopecks: kopecks.nullish(),
    finalPriceKopecks: kopecks,
    signedDocumentId: id,
    signedSha256: sha256.nullish(),
  }),
  z.object({
    webhookEvent: z.literal('application.failed'),
    applicationId: id.nullish(),
    crmApplicationId: id.nullish(),
    courseCode: code.nullish(),
    failureCode: code.nullish(),
    ...routing,
  }),
  z.object({
    webhookEvent: z.literal('application.cancelled'),
    ...application,
    cancelReasonCode: code,
    cancelReasonText: z.string().max(2000).nullish(),
    cancelledBy: z.enum(['staff', 'crm']),
  }),
  z.object({
    webhookEvent: z.literal('application.deadline-changed'),
    ...application,
    deadlineKind: z.enum(DEADLINE_KINDS),
    newDeadline: instant,
    deadlineChange: z.enum(DEADLINE_CHANGES),
  }),
  z.object({ webhookEvent: z.literal('application.course-unavailable'), ...application, unavailableReason: code }),
  // The client opened a link that no longer opens and asked for a new one, past what they may renew
  // themselves: the school decides (POST …/reissue-link). The stage says what the client was doing.
  z.object({
    webhookEvent: z.literal('link.renewal-requested'),
    ...application,
    linkRenewalStage: z.enum(['form', 'signing']),
  }),
  // The client's steps carry when they happened: their webhooks run beside the path, later.
  z.object({ webhookEvent: z.literal('link.opened'), ...application, linkOpenedAt: instant.nullish() }),
  z.object({ webhookEvent: z.literal('data.submitted'), ...application, dataSubmittedAt: instant.nullish() }),
  z.object({
    webhookEvent: z.literal('draft.ready'),
    ...application,
    draftReadyAt: instant.nullish(),
    draftDocumentId: id,
    draftSha256: sha256,
    promoStatus: code,
    discountKopecks: kopecks.nullish(),
    finalPriceKopecks: kopecks,
    signDeadline: instant.nullish(),
  }),
  // Local inputs of the reminder's webhook task: which deadline the e-mail reminded of, and when it is.
  z.object({
    webhookEvent: z.literal('reminder.sent'),
    ...application,
    reminderKind: z.enum(['link', 'signing']),
    reminderDeadline: instant,
  }),
]);
export type WebhookTaskInput = z.infer<typeof webhookTaskInput>;

export interface WebhookPayload {
  schemaVersion: number;
  id: string;
  type: WebhookEvent;
  occurredAt: string;
  applicationId: string;
  crmApplicationId: string | null;
  crmClientId: string | null;
  outcome: string;
  outcomeReason: string | null;
  final: boolean;
  data: Record<string, unknown>;
}

/** A short-lived URL to the signed contract (`contract.signed` carries it instead of the file). */
export interface DocumentDownload {
  url: string;
  expiresAt: string;
}

/** When a client's step happened, for the events that carry it; otherwise the body's first build is the time. */
function happenedAt(input: WebhookTaskInput): string | null | undefined {
  if (input.webhookEvent === 'link.opened') return input.linkOpenedAt;
  if (input.webhookEvent === 'data.submitted') return input.dataSubmittedAt;
  if (input.webhookEvent === 'draft.ready') return input.draftReadyAt;
  return undefined;
}

/** The JSON body of one event; its JSON Schema is docs/webhooks/<event>.schema.json. */
export function webhookPayload(
  input: WebhookTaskInput,
  meta: {
    eventId: string;
    applicationId: string;
    occurredAt: Date;
    signedDocument?: DocumentDownload;
    declineReason?: DeclineReason;
  },
): WebhookPayload {
  const { outcome, final } = EVENT_OUTCOMES[input.webhookEvent];
  const base = {
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    id: meta.eventId,
    type: input.webhookEvent,
    occurredAt: new Date(happenedAt(input) ?? meta.occurredAt).toISOString(),
    applicationId: meta.applicationId,
    crmApplicationId: input.crmApplicationId ?? null,
    crmClientId: input.crmClientId ?? null,
    outcome,
    final,
  };
  switch (input.webhookEvent) {
    case 'application.rejected':
      return {
        ...base,
        outcomeReason: input.rejectReason,
        data: { courseCode: input.courseCode, rejectReason: input.rejectReason },
      };
    case 'link.sent':
    case 'link.reissued':
      return {
        ...base,
        outcomeReason: null,
        data: { courseCode: input.courseCode, linkExpiresAt: new Date(input.linkExpiresAt).toISOString() },
      };
    case 'contract.signed':
      return {
        ...base,
        outcomeReason: null,
        data: {
          courseCode: input.courseCode,
          promoStatus: input.promoStatus,
          discountKopecks: input.discountKopecks ?? 0,
          finalPriceKopecks: input.finalPriceKopecks,
          signedDocumentId: input.signedDocumentId,
          signedSha256: input.signedSha256 ?? null,
          signedDocumentUrl: meta.signedDocument?.url ?? null,
          signedDocumentUrlExpiresAt: meta.signedDocument?.expiresAt ?? null,
        },
      };
    case 'signing.locked':
      return {
        ...base,
        outcomeReason: input.signingLockReason,
        data: { courseCode: input.courseCode, signingLockReason: input.signingLockReason },
      };
    case 'application.failed':
      return {
        ...base,
        outcomeReason: input.failureCode ?? null,
        data: { courseCode: input.courseCode ?? null, failureCode: input.failureCode ?? null },
      };
    case 'application.cancelled':
      return {
        ...base,
        outcomeReason: input.cancelReasonCode,
        data: {
          courseCode: input.courseCode,
          reasonCode: input.cancelReasonCode,
          // An empty text is no text.
          reasonText: input.cancelReasonText?.trim() || null,
          cancelledBy: input.cancelledBy,
        },
      };
    case 'application.deadline-changed':
      return {
        ...base,
        outcomeReason: null,
        data: {
          courseCode: input.courseCode,
          deadlineKind: input.deadlineKind,
          deadline: new Date(input.newDeadline).toISOString(),
          change: input.deadlineChange,
        },
      };
    case 'application.course-unavailable':
      return {
        ...base,
        outcomeReason: input.unavailableReason,
        data: { courseCode: input.courseCode, reason: input.unavailableReason },
      };
    case 'contract.declined':
      return {
        ...base,
        outcomeReason: meta.declineReason?.reasonCode ?? null,
        data: {
          courseCode: input.courseCode,
          reasonCode: meta.declineReason?.reasonCode ?? null,
          reasonText: meta.declineReason?.reasonText?.trim() || null,
        },
      };
    case 'draft.ready':
      return {
        ...base,
        outcomeReason: null,
        data: {
          courseCode: input.courseCode,
          draftDocumentId: input.draftDocumentId,
          draftSha256: input.draftSha256,
          promoStatus: input.promoStatus,
          discountKopecks: input.discountKopecks ?? 0,
          finalPriceKopecks: input.finalPriceKopecks,
          signDeadline: input.signDeadline ? new Date(input.signDeadline).toISOString() : null,
        },
      };
    case 'reminder.sent':
      return {
        ...base,
        outcomeReason: null,
        data: {
          courseCode: input.courseCode,
          reminder: input.reminderKind,
          deadline: new Date(input.reminderDeadline).toISOString(),
        },
      };
    case 'link.renewal-requested':
      return { ...base, outcomeReason: null, data: { courseCode: input.courseCode, stage: input.linkRenewalStage } };
    default:
      return { ...base, outcomeReason: null, data: { courseCode: input.courseCode } };
  }
}
