import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { isCalendarDate } from './contract-format';

/** The one contract template this service prints; each of its versions is a file `<version>.json`. */
export const CONTRACT_TEMPLATE_ID = 'otus-education-contract';

/** services/contract/templates, from src/documents/pdf (tests) and dist/documents/pdf (the built service) alike. */
export const DEFAULT_TEMPLATES_DIR = resolve(__dirname, '../../../templates');

/** When a clause applies: a discount was given or not; there is something to pay or not. */
export type ClauseCondition = 'discount' | 'noDiscount' | 'paid' | 'free';

/** Every `{{name}}` a template text may use; anything else stops start-up. */
export const PLACEHOLDERS = [
  'contractNumber',
  'contractDate',
  'school.name',
  'school.shortName',
  'school.licence',
  'school.representedBy',
  'school.email',
  'school.phone',
  'school.site',
  'client.fullName',
  'client.birthDate',
  'client.email',
  'course.title',
  'course.code',
  'course.startDate',
  'price',
  'discount',
  'finalPrice',
  'promoSuffix',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const text = z.string().trim().min(1);
const clause = z.union([text, z.object({ when: z.enum(['discount', 'noDiscount', 'paid', 'free']), text }).strict()]);

const templateSchema = z
  .object({
    templateId: z.literal(CONTRACT_TEMPLATE_ID),
    // 'YYYY-MM': sorts as it reads, and names the month the wording was approved.
    version: z.string().regex(/^\d{4}-\d{2}$/),
    /** Contracts created on or after this Moscow date use this version (until a later one starts). */
    effectiveFrom: z.string().refine(isCalendarDate, 'effectiveFrom must be a YYYY-MM-DD date'),
    title: text,
    city: text,
    school: z
      .object({
        name: text,
        shortName: text,
        inn: z.string().regex(/^\d{10}$/),
        kpp: z.string().regex(/^\d{9}$/),
        ogrn: z.string().regex(/^\d{13}$/),
        licence: text,
        address: text,
        bank: z
          .object({
            name: text,
            account: z.string().regex(/^\d{20}$/),
            correspondentAccount: z.string().regex(/^\d{20}$/),
            bik: z.string().regex(/^\d{9}$/),
          })
          .strict(),
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
  })
  .strict();

export type ContractTemplate = z.infer<typeof templateSchema>;
export type TemplateClause = z.infer<typeof clause>;

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;
const KNOWN = new Set<string>(PLACEHOLDERS);

/** Replaces each `{{name}}`; a name outside PLACEHOLDERS is a broken template, not an empty string. */
export function fill(template: string, values: TemplateValues): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    if (!KNOWN.has(name)) throw new Error(`unknown placeholder {{${name}}}`);
    return values[name as Placeholder];
  });
}

function unknownPlaceholders(template: ContractTemplate): string[] {
  const texts = [
    template.preamble,
    ...template.sections.flatMap((s) => [s.title, ...s.clauses.map((c) => (typeof c === 'string' ? c : c.text))]),
  ];
  return texts.flatMap((t) => [...t.matchAll(PLACEHOLDER)].map((m) => m[1])).filter((name) => !KNOWN.has(name));
}

/**
 * The versions of the contract template, read and checked once. A new wording or new requisites
 * is a new file; old versions stay so that a contract can be printed again exactly as it was.
 */
export class ContractTemplates {
  private readonly versions: ContractTemplate[];

  constructor(dir: string = DEFAULT_TEMPLATES_DIR) {
    const folder = join(dir, CONTRACT_TEMPLATE_ID);
    const files = readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .sort();
    this.versions = files.map((file) => {
      const where = `${CONTRACT_TEMPLATE_ID}/${file}`;
      const parsed = templateSchema.safeParse(JSON.parse(readFileSync(join(folder, file), 'utf8')));
      if (!parsed.success) throw new Error(`Contract template ${where} is invalid: ${z.prettifyError(parsed.error)}`);
      const template = parsed.data;
      if (`${template.version}.json` !== file)
        throw new Error(`Contract template ${where} declares ${template.version}`);
      const unknown = unknownPlaceholders(template);
      if (unknown.length)
        throw new Error(`Contract template ${where} uses unknown placeholders: ${unknown.join(', ')}`);
      return template;
    });
    if (!this.versions.length) throw new Error(`No contract template in ${folder}`);
    const starts = this.versions.map((t) => t.effectiveFrom);
    if (starts.some((start, i) => i > 0 && start <= starts[i - 1])) {
      throw new Error(`Contract template versions in ${folder} must start on strictly increasing dates`);
    }
  }

  /** The version in force on a Moscow calendar date ('YYYY-MM-DD'): the latest one started by then. */
  forDate(date: string): ContractTemplate {
    const template = this.versions.filter((t) => t.effectiveFrom <= date).at(-1);
    if (!template) throw new Error(`No contract template version is in force on ${date}`);
    return template;
  }

  /** One exact version, e.g. the one a draft was printed with. */
  version(version: string): ContractTemplate {
    const template = this.versions.find((t) => t.version === version);
    if (!template) throw new Error(`No contract template ${CONTRACT_TEMPLATE_ID}@${version}`);
    return template;
  }

  list(): readonly ContractTemplate[] {
    return this.versions;
  }
}
