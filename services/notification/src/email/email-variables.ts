import { z } from 'zod';

/** The templates the process asks for with the local input `emailTemplate`. */
export const PROCESS_EMAIL_TEMPLATES = [
  'rejected',
  'link',
  'link-reminder',
  'link-expired',
  'no-seats',
  'draft-ready',
  'declined',
  'signing-expired',
  'signed',
  'cancelled',
  'deadline-changed',
  'course-unavailable',
  'signing-reminder',
] as const;
export type ProcessEmailTemplate = (typeof PROCESS_EMAIL_TEMPLATES)[number];
/** `signing-code`: through POST /internal/emails by the contract service; `staff-*`: to the school's staff. */
export type EmailTemplate = ProcessEmailTemplate | 'signing-code' | 'staff-notice' | 'staff-digest';
export const EMAIL_TEMPLATES: readonly EmailTemplate[] = [
  ...PROCESS_EMAIL_TEMPLATES,
  'signing-code',
  'staff-notice',
  'staff-digest',
];

/** Reasons course.check-availability gives; each has its own text, anything else a general one. */
export const REJECT_REASONS = ['COURSE_NOT_FOUND', 'ENROLMENT_CLOSED', 'COURSE_STARTED', 'NO_FREE_SEATS'] as const;
/** Reasons the course calendar ends an application with (`unavailableReason`); anything else gets a general text. */
export const UNAVAILABLE_REASONS = ['COURSE_CLOSED', 'ENROLMENT_CLOSED', 'COURSE_STARTED'] as const;
/** Which deadline moved: the link's (to fill in the data) or the signing one. */
export const DEADLINE_KINDS = ['link', 'signing'] as const;
/**
 * Which way it moved (`deadlineChange`, set by the contract service with the message): later
 * (staff or the CRM gave more time) or earlier (the course's dates changed and bound it).
 */
export const DEADLINE_CHANGES = ['extended', 'shortened'] as const;

const text = (max: number) => z.string().trim().min(1).max(max);
const kopecks = z.number().int().min(0).max(2_147_483_647);
const calendarDate = z.iso.date();
/** ISO-8601 with an offset; a Date-typed engine variable arrives as a Date and is taken too. */
export const instant = z.preprocess(
  (value) => (value instanceof Date ? value.toISOString() : value),
  z.iso.datetime({ offset: true }),
);

/**
 * Process variables of `notification.email`, per template: each template requires only
 * what it shows. A missing or mistyped one is INVALID_VARIABLES naming it.
 */
export function emailTaskInput(canOpenLink: (ref: string) => boolean) {
  const clientLinkRef = z
    .string()
    .min(1)
    .max(2000)
    .refine(canOpenLink, { message: 'cannot be opened with CLIENT_LINK_SEAL_KEYS' });
  const to = {
    applicationId: text(64),
    clientName: text(200),
    clientEmail: z.email().max(254),
  };
  const course = { ...to, courseTitle: text(200) };
  return z.discriminatedUnion('emailTemplate', [
    z.object({ emailTemplate: z.literal('rejected'), ...to, rejectReason: text(64), courseTitle: text(200).nullish() }),
    z.object({
      emailTemplate: z.literal('link'),
      ...course,
      courseStartDate: calendarDate,
      priceKopecks: kopecks,
      clientLinkRef,
      linkExpiresAt: instant,
      // A new link after staff or the CRM reissued it: the previous one no longer works.
      linkReissued: z.boolean().nullish(),
    }),
    z.object({ emailTemplate: z.literal('link-reminder'), ...course, clientLinkRef, linkExpiresAt: instant }),
    z.object({ emailTemplate: z.literal('link-expired'), ...course }),
    z.object({ emailTemplate: z.literal('no-seats'), ...course }),
    z.object({
      emailTemplate: z.literal('draft-ready'),
      ...course,
      courseStartDate: calendarDate,
      priceKopecks: kopecks,
      discountKopecks: kopecks,
      finalPriceKopecks: kopecks,
      promoStatus: text(64),
      clientLinkRef: clientLinkRef.nullish(),
      signDeadline: instant.nullish(),
    }),
    z.object({ emailTemplate: z.literal('declined'), ...course }),
    z.object({ emailTemplate: z.literal('signing-expired'), ...course }),
    z.object({
      emailTemplate: z.literal('signed'),
      ...course,
      courseStartDate: calendarDate,
      finalPriceKopecks: kopecks,
      signedDocumentId: text(128),
    }),
    z.object({
      emailTemplate: z.literal('cancelled'),
      ...to,
      courseTitle: text(200).nullish(),
      cancelReasonCode: text(64),
      // What the client reads, as staff or the CRM wrote it; empty or missing says nothing more.
      cancelReasonText: z.string().max(2000).nullish(),
    }),
    z.object({
      emailTemplate: z.literal('deadline-changed'),
      ...course,
      deadlineKind: z.enum(DEADLINE_KINDS),
      newDeadline: instant,
      deadlineChange: z.enum(DEADLINE_CHANGES),
      clientLinkRef: clientLinkRef.nullish(),
    }),
    z.object({ emailTemplate: z.literal('course-unavailable'), ...course, unavailableReason: text(64) }),
    z.object({
      emailTemplate: z.literal('signing-reminder'),
      ...course,
      signDeadline: instant,
      clientLinkRef: clientLinkRef.nullish(),
    }),
  ]);
}
export type EmailTaskInput = z.infer<ReturnType<typeof emailTaskInput>>;

/** What an e-mail is built from, as stored for a resend: the link only sealed, never a signing code. */
export interface EmailVariables {
  applicationId?: string;
  clientName: string;
  courseTitle?: string | null;
  courseStartDate?: string;
  priceKopecks?: number;
  discountKopecks?: number;
  finalPriceKopecks?: number;
  promoStatus?: string;
  rejectReason?: string;
  clientLinkRef?: string | null;
  linkExpiresAt?: string;
  /** `link`: this is a new link, the previous one no longer works. */
  linkReissued?: boolean | null;
  /** Until when the draft contract can be signed (`draft-ready` optional, `signing-reminder` required). */
  signDeadline?: string | null;
  cancelReasonCode?: string;
  cancelReasonText?: string | null;
  deadlineKind?: (typeof DEADLINE_KINDS)[number];
  newDeadline?: string;
  deadlineChange?: (typeof DEADLINE_CHANGES)[number];
  unavailableReason?: string;
  signedDocumentId?: string;
  /** When a signing code stops working. */
  expiresAt?: string;
  /** `staff-notice`: what happened to which application, and why. */
  staffEvent?: string;
  crmApplicationId?: string | null;
  courseCode?: string;
  staffReason?: string | null;
  occurredAt?: string;
  /** `staff-digest`: the day and its events (the entries' ids, to mark them carried once sent). */
  digestDate?: string;
  digestItems?: StaffDigestItem[];
  digestEntryIds?: string[];
}

export interface StaffDigestItem {
  staffEvent: string;
  applicationId: string;
  crmApplicationId: string | null;
  staffReason: string | null;
  occurredAt: string;
}

/** Held only while the e-mail is built and sent. */
export interface EmailSecrets {
  link?: string;
  signingCode?: string;
}
