import { isCalendarDate } from '@otus/common';
import { z } from 'zod';
import { numbersContract } from './contract-format';

/**
 * What the printer takes, as zod schemas: the types callers fill in, and the check of a caller
 * that did not validate (the worker does: contractTermsInput shares kopecks and the price
 * invariants). Messages name fields, never their values: they may be personal and get logged.
 */

/** Whole kopecks in PostgreSQL `integer` range (docs/money.md). */
export const kopecks = z
  .number({ error: 'must be a number of kopecks' })
  .int({ error: 'must be whole kopecks' })
  .min(0, { error: 'must not be negative' })
  .max(2_147_483_647, { error: 'must be at most 2 147 483 647 kopecks' });

interface Price {
  priceKopecks: number;
  discountKopecks: number;
  finalPriceKopecks: number;
}

/**
 * price = discount + final price, exactly (docs/money.md): a discount never exceeds the price,
 * and the final price is what is left of it. For `.superRefine` on any schema with the three.
 */
export function priceInvariants(price: Price, ctx: z.RefinementCtx): void {
  if (price.discountKopecks > price.priceKopecks) {
    ctx.addIssue({ code: 'custom', path: ['discountKopecks'], message: 'must not exceed priceKopecks' });
  } else if (price.finalPriceKopecks !== price.priceKopecks - price.discountKopecks) {
    ctx.addIssue({
      code: 'custom',
      path: ['finalPriceKopecks'],
      message: 'must equal priceKopecks − discountKopecks',
    });
  }
}

const filled = z.string().refine((value) => value.trim().length > 0, { error: 'must not be empty' });
const calendarDate = z.string().refine(isCalendarDate, { error: 'must be a YYYY-MM-DD calendar date' });
const instant = z.date({ error: 'must be a valid date' });
const sha256 = z.string().regex(/^[0-9a-fA-F]{64}$/, { error: 'must be 64 hex digits' });

export const contractParties = z.object({
  /** Also the contract number: see contractNumber() (first 8 characters without hyphens, upper case). */
  applicationId: z.string().refine(numbersContract, { error: 'must start with 8 letters or digits' }),
  fullName: filled,
  birthDate: calendarDate,
  passportSeries: z.string().regex(/^\d{4}$/, { error: 'must be 4 digits' }),
  passportNumber: z.string().regex(/^\d{6}$/, { error: 'must be 6 digits' }),
  passportIssuedBy: filled,
  passportIssueDate: calendarDate,
  /** Registration address. */
  address: filled,
  phone: filled,
  email: filled,
});
export type ContractParties = z.infer<typeof contractParties>;

export const courseTerms = z
  .object({
    courseCode: filled,
    courseTitle: filled,
    courseStartDate: calendarDate,
    priceKopecks: kopecks,
    discountKopecks: kopecks,
    finalPriceKopecks: kopecks,
    /** Printed only when a discount applied. */
    promoCode: z.string().nullish(),
  })
  .superRefine(priceInvariants);
export type CourseTerms = z.infer<typeof courseTerms>;

export const signedTrailEvent = z.object({
  seq: z.number().int().positive({ error: 'must be a positive integer' }),
  at: instant,
  action: filled,
  actor: z.string(),
  /** Only a document kind, tries left and a `sentTo` address (masked again) are printed. */
  details: z.record(z.string(), z.unknown()).optional(),
});
export type SignedTrailEvent = z.infer<typeof signedTrailEvent>;

export const signatureCertificate = z
  .object({
    signerName: filled,
    signedAt: instant,
    ip: filled,
    userAgent: z.string(),
    /** The e-mail the one-time code went to; printed masked. */
    codeSentTo: filled,
    /** Hex SHA-256 of the draft PDF the client saw. */
    draftSha256: sha256,
    /** Id of the draft document in storage. */
    documentId: filled,
    /**
     * The application's audit events up to and including the signature (AuditService.trailUpTo),
     * listed on the sheet by what happened: no ip, user agent or actor id is printed.
     */
    events: z.array(signedTrailEvent).optional(),
    /** Hex SHA-256 `hash` of the last listed event: binds the sheet to the stored audit chain. */
    chainHead: sha256.optional(),
  })
  .superRefine((certificate, ctx) => {
    // The trail and its head go together: a trail nobody can check against the chain is not printed.
    if (certificate.events === undefined && certificate.chainHead !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['events'], message: 'required with chainHead' });
    }
    if (certificate.events !== undefined && certificate.chainHead === undefined) {
      ctx.addIssue({ code: 'custom', path: ['chainHead'], message: 'required with events' });
    }
  });
export type SignatureCertificate = z.infer<typeof signatureCertificate>;

/** Throws a RangeError naming every invalid field (never its value); the printer's guard. */
export function checkPrintInput(
  parties: ContractParties,
  terms: CourseTerms,
  createdAt: Date,
  certificate?: SignatureCertificate,
): void {
  const checks: [z.ZodType, unknown, string?][] = [
    [contractParties, parties],
    [courseTerms, terms],
    [instant, createdAt, 'createdAt'],
  ];
  if (certificate !== undefined) checks.push([signatureCertificate, certificate]);
  const bad = checks.flatMap(([schema, value, name]) => {
    const result = schema.safeParse(value);
    if (result.success) return [];
    return result.error.issues.map((issue) => `${[name, ...issue.path].filter(Boolean).join('.')} (${issue.message})`);
  });
  if (bad.length) throw new RangeError(`Cannot print the contract, invalid: ${bad.join(', ')}`);
}
