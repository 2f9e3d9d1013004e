import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  CONTRACT_TEMPLATE_ID,
  LOCAL_PLACEHOLDERS,
  type ContractTemplate,
  type Placeholder,
  PLACEHOLDERS,
  templateSchema,
  type TemplateValues,
} from './contract-template.schema';

export * from './contract-template.schema';

/** services/contract/templates, from src/documents/pdf (tests) and dist/documents/pdf (the built service) alike. */
export const DEFAULT_TEMPLATES_DIR = resolve(__dirname, '../../../templates');

const PLACEHOLDER = /\{\{\s*([\w.]+)\s*\}\}/g;
const KNOWN = new Set<string>(PLACEHOLDERS);

/**
 * Replaces each `{{name}}` with the document's value, or with `local`'s for the few texts that
 * have placeholders of their own (LOCAL_PLACEHOLDERS). An unknown name is a broken template,
 * not an empty string.
 */
export function fill(template: string, values: TemplateValues, local: Readonly<Record<string, string>> = {}): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    if (Object.hasOwn(local, name)) return local[name];
    if (!KNOWN.has(name)) throw new Error(`unknown placeholder {{${name}}}`);
    return values[name as Placeholder];
  });
}

/** Every text of the template with its path: `sections.0.clauses.2.text`, `wording.pageNumber`… */
function textsOf(value: unknown, path: string[] = []): [string, string][] {
  if (typeof value === 'string') return [[path.join('.'), value]];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => textsOf(inner, [...path, key]));
}

function unknownPlaceholders(template: ContractTemplate): string[] {
  return textsOf(template).flatMap(([path, text]) => {
    const allowed = new Set(LOCAL_PLACEHOLDERS[path] ?? []);
    return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]).filter((name) => !KNOWN.has(name) && !allowed.has(name));
  });
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

  /** The version in force on a calendar date ('YYYY-MM-DD', in CONTRACT_TIME_ZONE): the latest one started by then. */
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
