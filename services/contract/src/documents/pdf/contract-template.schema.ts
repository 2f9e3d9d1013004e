import { isCalendarDate } from '@otus/common';
import { z } from 'zod';

/** The one contract template this service prints; each of its versions is a file `<version>.json`. */
export const CONTRACT_TEMPLATE_ID = 'otus-education-contract';

/** When a clause applies: a discount was given or not; there is something to pay or not. */
export type ClauseCondition = 'discount' | 'noDiscount' | 'paid' | 'free';

/** Every `{{name}}` any template text may use; anything else stops start-up. */
export const PLACEHOLDERS = [
  'contractNumber',
  'contractDate',
  'applicationId',
  'templateId',
  'templateVersion',
  'timeZoneName',
  'school.name',
  'school.shortName',
  'school.licence',
  'school.representedBy',
  'school.email',
  'school.phone',
  'school.site',
  'school.inn',
  'school.kpp',
  'school.ogrn',
  'school.address',
  'school.bank.name',
  'school.bank.account',
  'school.bank.bik',
  'school.bank.correspondentAccount',
  'client.fullName',
  'client.birthDate',
  'client.email',
  'client.phone',
  'client.address',
  'client.passportSeries',
  'client.passportNumber',
  'client.passportIssueDate',
  'client.passportIssuedBy',
  'course.title',
  'course.code',
  'course.startDate',
  'price',
  'discount',
  'finalPrice',
  'promoSuffix',
  'promoCode',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

/** Placeholders a few texts have on top of PLACEHOLDERS, by the text's path in the file. */
export const LOCAL_PLACEHOLDERS: Readonly<Record<string, readonly string[]>> = {
  'wording.pageNumber': ['page', 'pageCount'],
  'wording.signedAt': ['date', 'time', 'offset'],
  'wording.signingSheet.rows.methodValue': ['codeSentTo'],
};

const text = z.string().trim().min(1);
const clause = z.union([text, z.object({ when: z.enum(['discount', 'noDiscount', 'paid', 'free']), text }).strict()]);
const digits = (n: number) => z.string().regex(new RegExp(`^\\d{${n}}$`));
const texts = <T extends string>(...keys: T[]) =>
  z.object(Object.fromEntries(keys.map((key) => [key, text])) as Record<T, typeof text>).strict();

/** A party's block in the requisites: a bold title, then one line each. */
const requisitesBlock = z.object({ title: text, lines: z.array(text).min(1) }).strict();

/**
 * The fixed words around the clauses: title, price table, requisites, signature blocks, draft
 * marks, running footer, signing sheet and its audit trail. The layout stays in code.
 */
const wording = z
  .object({
    number: text,
    heading: text,
    applicationRef: text,
    priceTable: texts('price', 'discount', 'discountWithPromo', 'total'),
    requisites: z.object({ school: requisitesBlock, client: requisitesBlock }).strict(),
    signatures: texts('school', 'client', 'toBeSigned', 'signed', 'seeSigningSheet'),
    /** The signing time on the signature block and the sheet. */
    signedAt: text,
    draftMarks: texts('banner', 'watermark'),
    pageNumber: text,
    signingSheet: z
      .object({
        title: text,
        subtitle: text,
        intro: text,
        rows: texts(
          'document',
          'template',
          'templateValue',
          'application',
          'signer',
          'signedAt',
          'method',
          'methodValue',
          'ip',
          'userAgent',
          'draftId',
          'draftSha256',
        ),
        notes: z.array(text),
      })
      .strict(),
    auditTrail: z
      .object({ title: text, note: text, columns: texts('number', 'time', 'event'), chainHead: text })
      .strict(),
  })
  .strict();

export const templateSchema = z
  .object({
    templateId: z.literal(CONTRACT_TEMPLATE_ID),
    // 'YYYY-MM': sorts as it reads, and names the month the wording was approved.
    version: z.string().regex(/^\d{4}-\d{2}$/),
    /** Contracts dated (CONTRACT_TIME_ZONE) on or after this day use this version, until a later one starts. */
    effectiveFrom: z.string().refine(isCalendarDate, 'effectiveFrom must be a YYYY-MM-DD date'),
    title: text,
    city: text,
    school: z
      .object({
        name: text,
        shortName: text,
        inn: digits(10),
        kpp: digits(9),
        ogrn: digits(13),
        licence: text,
        address: text,
        bank: z.object({ name: text, account: digits(20), correspondentAccount: digits(20), bik: digits(9) }).strict(),
        email: text,
        phone: text,
        site: text,
        signatory: z.object({ position: text, shortName: text, representedBy: text }).strict(),
      })
      .strict(),
    preamble: text,
    sections: z
      .array(z.object({ title: text, clauses: z.array(clause).min(1), priceSummary: z.boolean().optional() }).strict())
      .min(1),
    requisitesTitle: text,
    /** How the texts name CONTRACT_TIME_ZONE, the zone of the dates and times printed. */
    timeZoneName: text,
    wording,
  })
  .strict();

export type ContractTemplate = z.infer<typeof templateSchema>;
export type TemplateClause = z.infer<typeof clause>;
export type TemplateWording = ContractTemplate['wording'];
