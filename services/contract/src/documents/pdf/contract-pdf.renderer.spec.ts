import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigService } from '@nestjs/config';
import { parties, terms } from '../../../test/support/contract-samples';
import {
  ContractPdfRenderer,
  type RenderedPdf,
  type SignatureCertificate,
  type SignedTrailEvent,
} from './contract-pdf.renderer';

/**
 * Renders real PDFs and reads them back with poppler-utils (pdftotext, pdffonts, pdfinfo).
 * Set CONTRACT_PDF_PREVIEW_DIR to keep the files and PNGs of the first and last page.
 */

const createdAt = new Date('2026-11-23T11:05:09.123Z');

const certificate: SignatureCertificate = {
  signerName: 'Иванова Екатерина Сергеевна',
  signedAt: new Date('2026-11-23T12:41:03.456Z'),
  ip: '203.0.113.42',
  userAgent:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
  codeSentTo: 'ivanova.e@example.org',
  draftSha256: 'a'.repeat(8) + '0123456789abcdef'.repeat(3) + 'b'.repeat(8),
  documentId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
};

const at = (time: string) => new Date(`2026-11-23T${time}Z`);

/** The trail up to the signature, as AuditService.trailUpTo() gives it. */
const events: SignedTrailEvent[] = [
  { seq: 1, at: at('09:12:00.000'), action: 'application.created', actor: 'crm:crm-client-7' },
  { seq: 2, at: at('11:05:09.123'), action: 'client-data.submitted', actor: 'client' },
  { seq: 3, at: at('11:05:20.000'), action: 'draft.generated', actor: 'system', details: { sha256: 'c'.repeat(64) } },
  { seq: 4, at: at('11:06:00.000'), action: 'document.viewed', actor: 'client', details: { kind: 'draft' } },
  {
    seq: 5,
    at: at('12:30:00.000'),
    action: 'signing-code.sent',
    actor: 'client',
    details: { messageId: 'm-1', sentTo: 'ivanova.e@example.org' },
  },
  { seq: 6, at: at('12:35:00.000'), action: 'signing-code.rejected', actor: 'client', details: { attemptsLeft: 4 } },
  { seq: 7, at: at('12:36:00.000'), action: 'document.downloaded', actor: 'staff:user-42', details: { kind: 'draft' } },
  { seq: 8, at: at('12:40:00.000'), action: 'something.new', actor: 'system' },
  {
    seq: 9,
    at: at('12:41:03.456'),
    action: 'contract.signed',
    actor: 'client',
    details: { draftSha256: 'a'.repeat(64) },
  },
];
const chainHead = 'd'.repeat(16) + 'e'.repeat(48);

function poppler(tool: string, args: string[]): string {
  const run = spawnSync(tool, args, { encoding: 'utf8' });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${tool} is not installed: these tests need poppler-utils (apt-get install -y poppler-utils)`);
  }
  if (run.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${run.stderr}`);
  return run.stdout;
}

describe('ContractPdfRenderer', () => {
  const renderer = new ContractPdfRenderer();
  let dir: string;
  let draft: RenderedPdf;
  let signed: RenderedPdf;
  let draftText: string;
  let signedText: string;

  const save = (name: string, pdf: Buffer) => {
    const file = join(dir, name);
    writeFileSync(file, pdf);
    return file;
  };
  const text = (name: string, pdf: Buffer) => poppler('pdftotext', ['-enc', 'UTF-8', save(name, pdf), '-']);
  const pages = (name: string, pdf: Buffer) => Number(/Pages:\s+(\d+)/.exec(poppler('pdfinfo', [save(name, pdf)]))![1]);

  beforeAll(async () => {
    // Fail loudly, not skip, where poppler-utils is missing.
    poppler('pdftotext', ['-v']);
    dir = process.env.CONTRACT_PDF_PREVIEW_DIR ?? mkdtempSync(join(tmpdir(), 'contract-pdf-'));
    mkdirSync(dir, { recursive: true });
    renderer.onModuleInit();
    draft = await renderer.renderDraft(parties, terms, createdAt);
    signed = await renderer.renderSigned(parties, terms, createdAt, { ...certificate, draftSha256: draft.sha256 });
    draftText = text('draft.pdf', draft.pdf);
    signedText = text('signed.pdf', signed.pdf);
  });

  afterAll(() => {
    if (process.env.CONTRACT_PDF_PREVIEW_DIR) {
      const last = pages('signed.pdf', signed.pdf);
      poppler('pdftoppm', ['-png', '-r', '60', '-f', '1', '-l', '1', join(dir, 'draft.pdf'), join(dir, 'draft')]);
      poppler('pdftoppm', [
        '-png',
        '-r',
        '60',
        '-f',
        `${last - 1}`,
        '-l',
        `${last}`,
        join(dir, 'signed.pdf'),
        join(dir, 'signed'),
      ]);
    } else if (dir) {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints the client, the course and the price in Russian', () => {
    // Wrapped lines joined: what matters is the words, not where a line ended.
    for (const pdfText of [draftText, signedText].map((t) => t.replace(/\s+/g, ' '))) {
      expect(pdfText).toContain('Иванова Екатерина Сергеевна');
      expect(pdfText).toContain('Node.js Developer. Профессиональный курс');
      expect(pdfText).toContain('об оказании платных образовательных услуг');
      expect(pdfText).toContain('ДОГОВОР № 3F2A9C1B');
      expect(pdfText).toContain('10 декабря 2026 г.');
      expect(pdfText).toContain('23 ноября 2026 г.');
      expect(pdfText).toContain('серия 4510 № 123456');
      // The non-breaking spaces come back as plain spaces: a reader searching "99 000" finds it.
      expect(pdfText).toContain('99 000,00 ₽');
      expect(pdfText).toContain('9 900,00 ₽');
      expect(pdfText).toContain('89 100,00 ₽');
      expect(pdfText).toContain('по промокоду «ОСЕНЬ10»');
      // No glyph went missing on the way.
      expect(pdfText).not.toContain('\ufffd');
    }
  });

  it('marks the draft only as «Проект договора», with an empty signature block', () => {
    expect(draftText).toContain('Проект договора');
    // The watermark is drawn as outlines: it must not scatter letters through the text.
    expect(draftText).not.toMatch(/^[ПРОЕКТ]$/m);
    expect(draftText).toContain('____________________ / Е. С. Иванова /');
    expect(draftText).not.toContain('Подписано простой электронной подписью');
    expect(draftText).not.toContain('ЛИСТ ПОДПИСАНИЯ');
    expect(signedText).not.toContain('Проект договора');
    expect(signedText).not.toContain('ПРОЕКТ');
  });

  it('fills the signature block and adds the signing certificate page to the signed version', () => {
    expect(signedText).toContain('Подписано простой электронной подписью');
    const certificatePage = signedText.split('\f').filter(Boolean).at(-1)!.replace(/\s+/g, ' ');
    expect(certificatePage).toContain('ЛИСТ ПОДПИСАНИЯ');
    expect(certificatePage).toContain('к договору № 3F2A9C1B от 23 ноября 2026 г.');
    expect(certificatePage).toContain('Иванова Екатерина Сергеевна');
    // 12:41:03 UTC is 15:41:03 in Moscow.
    expect(certificatePage).toContain('23.11.2026 15:41:03 (московское время, UTC+03:00)');
    expect(certificatePage).toContain('i***@example.org');
    expect(certificatePage).not.toContain('ivanova.e@example.org');
    expect(certificatePage).toContain('203.0.113.42');
    expect(certificatePage).toContain('Chrome/131.0.0.0');
    expect(certificatePage).toContain(draft.sha256);
    expect(certificatePage).toContain(certificate.documentId);
    expect(certificatePage).toContain(parties.applicationId);
    expect(certificatePage).toContain('otus-education-contract, версия 2026-11');
    expect(certificatePage).toContain('хранится в системе Исполнителя');
    expect(pages('signed.pdf', signed.pdf)).toBe(pages('draft.pdf', draft.pdf) + 1);
  });

  describe('with the audit trail', () => {
    let withTrail: RenderedPdf;
    let sheet: string;

    beforeAll(async () => {
      withTrail = await renderer.renderSigned(parties, terms, createdAt, {
        ...certificate,
        draftSha256: draft.sha256,
        events,
        chainHead,
      });
      const pdfText = text('trail.pdf', withTrail.pdf);
      sheet = pdfText.slice(pdfText.indexOf('ЛИСТ ПОДПИСАНИЯ')).replace(/\s+/g, ' ');
    });

    it('lists the events up to the signature in Russian, in Moscow time, and the chain head', () => {
      expect(sheet).toContain('Журнал действий по заявке до подписания');
      // 11:05:09 UTC is 14:05:09 in Moscow.
      expect(sheet).toMatch(/2 23\.11\.2026 14:05:09 Данные заполнены/);
      expect(sheet).toMatch(/1 23\.11\.2026 12:12:00 Заявка получена из CRM/);
      expect(sheet).toMatch(/4 23\.11\.2026 14:06:00 Проект просмотрен/);
      expect(sheet).toContain('Код отправлен на i***@example.org');
      expect(sheet).toContain('Неверный код (осталось попыток: 4)');
      expect(sheet).toContain('Проект скачан (сотрудник Исполнителя)');
      expect(sheet).toMatch(/8 23\.11\.2026 15:40:00 something\.new/);
      expect(sheet).toMatch(/9 23\.11\.2026 15:41:03 Договор подписан/);
      expect(sheet).toContain(`SHA-256 последней записи ${chainHead}`);
    });

    it('prints no personal data or ids from the events', () => {
      expect(sheet).not.toContain('ivanova.e@example.org');
      expect(sheet).not.toContain('user-42');
      expect(sheet).not.toContain('crm-client-7');
      expect(sheet).not.toContain('m-1');
      expect(sheet).not.toContain('c'.repeat(64));
    });

    it('is deterministic, and leaves the contract pages as they were', async () => {
      const again = await renderer.renderSigned(parties, terms, createdAt, {
        ...certificate,
        draftSha256: draft.sha256,
        events: events.map((e) => ({ ...e, at: new Date(e.at) })).reverse(),
        chainHead,
      });
      expect(again.pdf.equals(withTrail.pdf)).toBe(true);
      // The same contract pages; only the page count in the footers grew.
      const head = (pdfText: string) =>
        pdfText.slice(0, pdfText.indexOf('ЛИСТ ПОДПИСАНИЯ')).replace(/Страница (\d+) из \d+/g, 'Страница $1');
      expect(head(text('trail.pdf', withTrail.pdf))).toBe(head(signedText));
    });

    it('carries a long trail over to further pages, every row whole', async () => {
      const many = Array.from({ length: 80 }, (_, i) => ({ ...events[3]!, seq: i + 1 }));
      const rendered = await renderer.renderSigned(parties, terms, createdAt, {
        ...certificate,
        draftSha256: draft.sha256,
        events: many,
        chainHead,
      });
      const pdfText = text('long-trail.pdf', rendered.pdf);
      const rows = pdfText.replace(/\s+/g, ' ').match(/\b\d+ 23\.11\.2026 14:06:00 Проект просмотрен/g) ?? [];
      expect(rows).toHaveLength(80);
      expect(pages('long-trail.pdf', rendered.pdf)).toBeGreaterThan(pages('signed.pdf', signed.pdf) + 1);
      expect(pdfText).toContain(chainHead);
    });

    it('refuses a trail without a well-formed chain head, naming the field', async () => {
      const bad = renderer.renderSigned(parties, terms, createdAt, {
        ...certificate,
        draftSha256: draft.sha256,
        events,
        chainHead: 'abc',
      });
      await expect(bad).rejects.toThrow(/chainHead/);
      const badEvent = renderer.renderSigned(parties, terms, createdAt, {
        ...certificate,
        draftSha256: draft.sha256,
        events: [{ ...events[0]!, at: new Date(NaN) }],
        chainHead,
      });
      await expect(badEvent).rejects.toThrow(/events/);
    });
  });

  it('returns the SHA-256 of the returned bytes and names the template', () => {
    for (const rendered of [draft, signed]) {
      expect(rendered.sha256).toBe(createHash('sha256').update(rendered.pdf).digest('hex'));
      expect(rendered.pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(rendered).toMatchObject({ templateId: 'otus-education-contract', templateVersion: '2026-11' });
    }
  });

  it('prints byte-identical files for identical input', async () => {
    const again = await renderer.renderDraft({ ...parties }, { ...terms }, new Date(createdAt));
    expect(again.sha256).toBe(draft.sha256);
    expect(again.pdf.equals(draft.pdf)).toBe(true);
    const signedAgain = await renderer.renderSigned(parties, terms, createdAt, {
      ...certificate,
      draftSha256: draft.sha256,
    });
    expect(signedAgain.pdf.equals(signed.pdf)).toBe(true);
    // …and a different file when anything printed changes.
    const later = await renderer.renderDraft(parties, terms, new Date(createdAt.getTime() + 1000));
    expect(later.sha256).not.toBe(draft.sha256);
  });

  it('prints the same bytes in a fresh process as after other documents', async () => {
    // Fresh copies of pdfkit, fontkit and the font cache: the first document of a new worker.
    let fresh!: typeof import('./contract-pdf.renderer');
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      fresh = require('./contract-pdf.renderer');
    });
    const signedFirst = await new fresh.ContractPdfRenderer().renderSigned(parties, terms, createdAt, {
      ...certificate,
      draftSha256: draft.sha256,
    });
    expect(signedFirst.sha256).toBe(signed.sha256);
  });

  it('embeds DejaVu subsets and no other font', () => {
    const fonts = poppler('pdffonts', [join(dir, 'signed.pdf')])
      .trim()
      .split('\n')
      .slice(2);
    expect(fonts.length).toBeGreaterThanOrEqual(3);
    for (const line of fonts) {
      // name, type…, then the emb / sub / uni columns.
      expect(line).toMatch(/^[A-Z]{6}\+DejaVuSans(-Bold|Mono)?\s.*\byes\s+yes\s+yes\s/);
    }
  });

  it('leaves out the discount when there is none, and the payment terms when the course is free', async () => {
    const full = { ...terms, discountKopecks: 0, finalPriceKopecks: terms.priceKopecks, promoCode: 'ОСЕНЬ10' };
    const fullText = text('full.pdf', (await renderer.renderDraft(parties, full, createdAt)).pdf);
    expect(fullText).not.toContain('Скидка');
    expect(fullText).not.toContain('ОСЕНЬ10');
    expect(fullText).toContain('единовременно');

    const free = { ...terms, discountKopecks: terms.priceKopecks, finalPriceKopecks: 0 };
    const freeText = text('free.pdf', (await renderer.renderDraft(parties, free, createdAt)).pdf);
    expect(freeText).toContain('без оплаты');
    expect(freeText).toContain('0,00 ₽');
    expect(freeText).not.toContain('единовременно');
  });

  it('keeps long values inside the page', async () => {
    const long = {
      ...parties,
      address: `${'г. Москва, ул. Очень Длинная Улица Имени Кого-то Известного, '.repeat(4)}д. 1`,
      email: `${'very.long.local.part.'.repeat(4)}name@example.org`,
    };
    const rendered = await renderer.renderSigned(long, terms, createdAt, {
      ...certificate,
      userAgent: 'X'.repeat(2000),
      draftSha256: draft.sha256,
    });
    const longText = text('long.pdf', rendered.pdf);
    expect(longText.replace(/\s+/g, '')).toContain('д.1');
    expect(longText).toContain(`${'X'.repeat(20)}`);
    expect(longText).not.toContain('X'.repeat(301));
  });

  it('refuses inconsistent input, naming fields and not their values', async () => {
    const wrongTotal = renderer.renderDraft(parties, { ...terms, finalPriceKopecks: 1 }, createdAt);
    await expect(wrongTotal).rejects.toThrow(/finalPriceKopecks/);
    const badPassport = renderer.renderDraft({ ...parties, passportNumber: '12345' }, terms, createdAt);
    await expect(badPassport).rejects.toThrow(/passportNumber/);
    await expect(badPassport).rejects.not.toThrow(/12345/);
    await expect(renderer.renderDraft(parties, terms, new Date(NaN))).rejects.toThrow(/createdAt/);
    await expect(
      renderer.renderSigned(parties, terms, createdAt, { ...certificate, draftSha256: 'abc' }),
    ).rejects.toThrow(/draftSha256/);
  });

  it('dates the contract and the signature in CONTRACT_TIME_ZONE', async () => {
    // 21:05 UTC on 23 November is already 24 November in Moscow, the default zone.
    const lateEvening = new Date('2026-11-23T21:05:09Z');
    const inZone = (zone: string) =>
      new ContractPdfRenderer({ get: () => zone } as unknown as ConfigService<never, true>);
    const moscow = text('moscow.pdf', (await renderer.renderDraft(parties, terms, lateEvening)).pdf);
    expect(moscow).toContain('Договор № 3F2A9C1B от 24 ноября 2026 г.');
    const utc = await inZone('UTC').renderSigned(parties, terms, lateEvening, {
      ...certificate,
      signedAt: new Date('2026-11-23T22:41:03Z'),
    });
    const utcText = text('utc.pdf', utc.pdf).replace(/\s+/g, ' ');
    expect(utcText).toContain('Договор № 3F2A9C1B от 23 ноября 2026 г.');
    expect(utcText).toContain('23.11.2026 22:41:03 (московское время, UTC+00:00)');
    // The same zone through configuration prints the same bytes as the default.
    const configured = await inZone('Europe/Moscow').renderDraft(parties, terms, createdAt);
    expect(configured.pdf.equals(draft.pdf)).toBe(true);
  });

  it('prints every fixed word from the template', async () => {
    // Wording moved from code into the template prints exactly as before (byte identity is
    // checked above against the same template; this pins what the words are).
    const flat = draftText.replace(/\s+/g, ' ');
    for (const words of [
      'Стоимость Курса',
      'Скидка (промокод «ОСЕНЬ10»)',
      'Итого к оплате',
      'Исполнитель',
      'ИНН 7700000000, КПП 770001001',
      'Паспорт: серия 4510 № 123456',
      'Выдан 15.04.2012, Отделом УФМС России',
      'От Исполнителя',
      'Подписывается простой электронной подписью',
      'Проект договора. Не подписан и не имеет юридической силы.',
      'Страница 1 из 2',
      'Заявка 3f2a9c1b-5d7e-4a8b-9c0d-1e2f3a4b5c6d',
    ]) {
      expect(flat).toContain(words);
    }
    const sheet = signedText.slice(signedText.indexOf('ЛИСТ ПОДПИСАНИЯ')).replace(/\s+/g, ' ');
    expect(sheet).toContain(
      'Сведения ниже записаны информационной системой Исполнителя (ООО «Отус») в момент подписания.',
    );
    expect(sheet).toContain(
      'Способ подтверждения Одноразовый код подтверждения направлен на адрес электронной почты i***@example.org',
    );
  });

  it('prints with an explicit template version, and refuses an unknown one', async () => {
    const pinned = await renderer.renderDraft(parties, terms, createdAt, { templateVersion: '2026-11' });
    expect(pinned.pdf.equals(draft.pdf)).toBe(true);
    await expect(renderer.renderDraft(parties, terms, createdAt, { templateVersion: '1999-01' })).rejects.toThrow(
      /otus-education-contract@1999-01/,
    );
  });

  it('renders a draft quickly (reported, not asserted)', async () => {
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const start = process.hrtime.bigint();
      await renderer.renderDraft(parties, terms, createdAt);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!.toFixed(1);
    process.stdout.write(
      `contract draft render: p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms over ${times.length} runs; ` +
        `draft ${draft.pdf.length} B, signed ${signed.pdf.length} B\n`,
    );
    expect(times.length).toBe(60);
  });
});
