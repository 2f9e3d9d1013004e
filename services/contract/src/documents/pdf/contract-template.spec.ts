import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CONTRACT_TEMPLATE_ID,
  ContractTemplates,
  DEFAULT_TEMPLATES_DIR,
  fill,
  PLACEHOLDERS,
} from './contract-template';

const values = Object.fromEntries(PLACEHOLDERS.map((name) => [name, `<${name}>`])) as Parameters<typeof fill>[1];

describe('ContractTemplates', () => {
  let dir: string;
  const folder = () => join(dir, CONTRACT_TEMPLATE_ID);
  const current = () => JSON.parse(readFileSync(join(folder(), '2026-11.json'), 'utf8'));

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'contract-templates-'));
    cpSync(DEFAULT_TEMPLATES_DIR, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the shipped template with the school requisites in one place', () => {
    const template = new ContractTemplates().forDate('2026-11-23');
    expect(template).toMatchObject({ templateId: 'otus-education-contract', version: '2026-11' });
    expect(template.school.inn).toMatch(/^\d{10}$/);
    expect(template.sections.length).toBeGreaterThan(3);
  });

  it('picks the version in force on the contract date, and an exact one on request', () => {
    writeFileSync(
      join(folder(), '2027-03.json'),
      JSON.stringify({ ...current(), version: '2027-03', effectiveFrom: '2027-03-01', city: 'г. Казань' }),
    );
    const templates = new ContractTemplates(dir);
    expect(templates.forDate('2027-02-28').version).toBe('2026-11');
    expect(templates.forDate('2027-03-01').version).toBe('2027-03');
    expect(templates.version('2026-11').city).toBe('г. Москва');
    expect(() => templates.forDate('2026-10-31')).toThrow(/No contract template version is in force/);
    expect(() => templates.version('2025-01')).toThrow(/otus-education-contract@2025-01/);
  });

  it('stops at start-up on a template with an unknown placeholder', () => {
    const broken = current();
    broken.sections[0].clauses.push('Курс {{course.titel}}');
    writeFileSync(join(folder(), '2026-11.json'), JSON.stringify(broken));
    expect(() => new ContractTemplates(dir)).toThrow(/unknown placeholders: course\.titel/);
  });

  it('stops at start-up on invalid requisites or a file named after another version', () => {
    const shipped = current();
    writeFileSync(
      join(folder(), '2026-11.json'),
      JSON.stringify({ ...shipped, school: { ...shipped.school, inn: '12' } }),
    );
    expect(() => new ContractTemplates(dir)).toThrow(/2026-11\.json is invalid/);
    writeFileSync(join(folder(), '2026-11.json'), JSON.stringify({ ...shipped, version: '2026-12' }));
    expect(() => new ContractTemplates(dir)).toThrow(/declares 2026-12/);
  });

  it('allows a text its own placeholders only where it has them', () => {
    const shipped = current();
    writeFileSync(
      join(folder(), '2026-11.json'),
      JSON.stringify({ ...shipped, wording: { ...shipped.wording, heading: 'Договор, страница {{page}}' } }),
    );
    expect(() => new ContractTemplates(dir)).toThrow(/unknown placeholders: page/);
    writeFileSync(
      join(folder(), '2026-11.json'),
      JSON.stringify({ ...shipped, wording: { ...shipped.wording, pageNumber: 'Лист {{page}} / {{pageCount}}' } }),
    );
    expect(new ContractTemplates(dir).version('2026-11').wording.pageNumber).toBe('Лист {{page}} / {{pageCount}}');
  });

  it('stops at start-up on a template without the fixed words', () => {
    const shipped = current();
    delete shipped.wording.signingSheet.rows.methodValue;
    writeFileSync(join(folder(), '2026-11.json'), JSON.stringify(shipped));
    expect(() => new ContractTemplates(dir)).toThrow(/wording\.signingSheet\.rows\.methodValue/);
    writeFileSync(join(folder(), '2026-11.json'), JSON.stringify({ ...current(), timeZoneName: '' }));
    expect(() => new ContractTemplates(dir)).toThrow(/timeZoneName/);
  });

  it('fills placeholders and refuses unknown ones', () => {
    expect(fill('Курс «{{course.title}}» с {{ course.startDate }}', values)).toBe(
      'Курс «<course.title>» с <course.startDate>',
    );
    expect(() => fill('{{client.passport}}', values)).toThrow(/unknown placeholder/);
    expect(fill('Страница {{page}} из {{pageCount}}', values, { page: '1', pageCount: '2' })).toBe('Страница 1 из 2');
  });
});
