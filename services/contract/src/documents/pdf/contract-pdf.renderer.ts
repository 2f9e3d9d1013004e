import { createHash } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { maskEmail } from '@otus/common';
import { contractFonts, type FontName } from './contract-fonts';
import {
  auditEventText,
  contractNumber,
  initialsName,
  isCalendarDate,
  longDate,
  moscowDateTime,
  moscowShortDateTime,
  moscowTime,
  rubles,
  shortDate,
} from './contract-format';
import {
  ContractTemplates,
  fill,
  type ClauseCondition,
  type ContractTemplate,
  type TemplateValues,
} from './contract-template';
import { COLORS, PdfPageWriter, type Line } from './pdf-page-writer';

export interface ContractParties {
  /** Also the contract number: see contractNumber() (first 8 characters without hyphens, upper case). */
  applicationId: string;
  fullName: string;
  /** 'YYYY-MM-DD' */
  birthDate: string;
  /** 4 digits */
  passportSeries: string;
  /** 6 digits */
  passportNumber: string;
  passportIssuedBy: string;
  /** 'YYYY-MM-DD' */
  passportIssueDate: string;
  /** Registration address. */
  address: string;
  phone: string;
  email: string;
}

export interface CourseTerms {
  courseCode: string;
  courseTitle: string;
  /** 'YYYY-MM-DD' */
  courseStartDate: string;
  priceKopecks: number;
  discountKopecks: number;
  finalPriceKopecks: number;
  /** Printed only when a discount applied. */
  promoCode?: string | null;
}

export interface SignatureCertificate {
  signerName: string;
  signedAt: Date;
  ip: string;
  userAgent: string;
  /** The e-mail the one-time code went to; printed masked. */
  codeSentTo: string;
  /** Hex SHA-256 of the draft PDF the client saw. */
  draftSha256: string;
  /** Id of the draft document in storage. */
  documentId: string;
  /**
   * The application's audit events up to and including the signature (AuditService.trailUpTo),
   * listed on the sheet by what happened: no ip, user agent or actor id is printed.
   */
  events?: SignedTrailEvent[];
  /** Hex SHA-256 `hash` of the last listed event: binds the sheet to the stored audit chain. */
  chainHead?: string;
}

export interface SignedTrailEvent {
  seq: number;
  at: Date;
  action: string;
  actor: string;
  /** Only a document kind, tries left and a `sentTo` address (masked again) are printed. */
  details?: Record<string, unknown>;
}

export interface RenderedPdf {
  pdf: Buffer;
  sha256: string;
  templateId: string;
  templateVersion: string;
}

export interface RenderOptions {
  /**
   * Print with this template version instead of the one in force on the contract date. The
   * signed contract should name the draft's version, so that a template released between
   * draft and signature cannot change the pages the client agreed to.
   */
  templateVersion?: string;
}

/** Long user agents are cut here: the certificate is a record, not a place for a 4 KB header. */
const USER_AGENT_MAX = 300;

type Variant = { kind: 'draft' } | { kind: 'signed'; certificate: SignatureCertificate };

/**
 * Prints the contract for paid educational services: a draft marked «Проект договора» with an
 * empty signature block, and the signed version (the same pages, signature filled, plus a
 * signing certificate page). Output is deterministic: the same input gives the same bytes, so a
 * redelivered task stores the same hash.
 */
@Injectable()
export class ContractPdfRenderer implements OnModuleInit {
  private templatesCache?: ContractTemplates;

  /** Reads fonts and templates at start-up: a missing font or a broken template stops the service. */
  onModuleInit(): void {
    this.templates();
    contractFonts();
  }

  renderDraft(
    parties: ContractParties,
    terms: CourseTerms,
    createdAt: Date,
    options: RenderOptions = {},
  ): Promise<RenderedPdf> {
    return this.render(parties, terms, createdAt, { kind: 'draft' }, options);
  }

  renderSigned(
    parties: ContractParties,
    terms: CourseTerms,
    createdAt: Date,
    certificate: SignatureCertificate,
    options: RenderOptions = {},
  ): Promise<RenderedPdf> {
    return this.render(parties, terms, createdAt, { kind: 'signed', certificate }, options);
  }

  private templates(): ContractTemplates {
    this.templatesCache ??= new ContractTemplates();
    return this.templatesCache;
  }

  private async render(
    parties: ContractParties,
    terms: CourseTerms,
    createdAt: Date,
    variant: Variant,
    options: RenderOptions,
  ): Promise<RenderedPdf> {
    check(parties, terms, createdAt, variant);
    const contractDate = moscowTime(createdAt).date;
    const template = options.templateVersion
      ? this.templates().version(options.templateVersion)
      : this.templates().forDate(contractDate);
    const number = contractNumber(parties.applicationId);
    const pdf = await new ContractPrint(template, parties, terms, number, contractDate, createdAt, variant).print();
    return {
      pdf,
      sha256: createHash('sha256').update(pdf).digest('hex'),
      templateId: template.templateId,
      templateVersion: template.version,
    };
  }
}

/** One document being printed. */
class ContractPrint {
  private readonly out: PdfPageWriter;
  private readonly values: TemplateValues;
  private readonly conditions: Set<ClauseCondition>;
  private readonly heading: string;

  constructor(
    private readonly template: ContractTemplate,
    private readonly parties: ContractParties,
    private readonly terms: CourseTerms,
    private readonly number: string,
    private readonly contractDate: string,
    createdAt: Date,
    private readonly variant: Variant,
  ) {
    this.heading = `Договор № ${number} от ${longDate(contractDate)}`;
    this.out = new PdfPageWriter({
      title: `${this.heading} (${template.title.toLowerCase()})`,
      author: template.school.shortName,
      creationDate: createdAt,
      modDate: variant.kind === 'signed' ? variant.certificate.signedAt : createdAt,
    });
    const discounted = terms.discountKopecks > 0;
    const promo = discounted && terms.promoCode ? clean(terms.promoCode) : '';
    this.values = {
      contractNumber: number,
      contractDate: longDate(contractDate),
      'school.name': template.school.name,
      'school.shortName': template.school.shortName,
      'school.licence': template.school.licence,
      'school.representedBy': template.school.signatory.representedBy,
      'school.email': template.school.email,
      'school.phone': template.school.phone,
      'school.site': template.school.site,
      'client.fullName': clean(parties.fullName),
      'client.birthDate': shortDate(parties.birthDate),
      'client.email': clean(parties.email),
      'course.title': clean(terms.courseTitle),
      'course.code': clean(terms.courseCode),
      'course.startDate': longDate(terms.courseStartDate),
      price: rubles(terms.priceKopecks),
      discount: rubles(terms.discountKopecks),
      finalPrice: rubles(terms.finalPriceKopecks),
      promoSuffix: promo ? ` по промокоду «${promo}»` : '',
    };
    this.conditions = new Set<ClauseCondition>([
      discounted ? 'discount' : 'noDiscount',
      terms.finalPriceKopecks > 0 ? 'paid' : 'free',
    ]);
  }

  async print(): Promise<Buffer> {
    this.title();
    this.out.style('regular', 10).paragraph(fill(this.template.preamble, this.values));
    this.out.doc.moveDown(0.6);
    this.template.sections.forEach((section, i) => this.section(i + 1, section));
    this.requisites(this.template.sections.length + 1);
    if (this.variant.kind === 'signed') this.certificate(this.variant.certificate);
    this.runningTexts();
    return this.out.finish();
  }

  private title(): void {
    const { out } = this;
    out.style('bold', 13).paragraph(`ДОГОВОР № ${this.number}`, { align: 'center' });
    out.style('bold', 11).paragraph(this.template.title.toLowerCase(), { align: 'center' });
    out.doc.moveDown(0.8);
    const y = out.doc.y;
    out.style('regular', 10);
    out.doc.text(this.template.city, out.left, y, { width: out.width / 2, lineBreak: false });
    out.doc.text(longDate(this.contractDate), out.left + out.width / 2, y, { width: out.width / 2, align: 'right' });
    out.style('regular', 7.5, COLORS.muted);
    out.doc.text(`Заявка ${this.parties.applicationId}`, out.left, out.doc.y + 1, {
      width: out.width,
      align: 'right',
    });
    out.doc.moveDown(1);
  }

  private section(index: number, section: ContractTemplate['sections'][number]): void {
    const { out } = this;
    out.doc.moveDown(0.4);
    out.style('bold', 10.5);
    // A heading needs its own line and at least two lines of its first clause below it.
    out.ensureSpace(out.doc.currentLineHeight(true) * 4);
    out.paragraph(`${index}. ${fill(section.title, this.values)}`, { align: 'left' });
    out.doc.moveDown(0.3);
    out.style('regular', 10);
    let n = 0;
    for (const clause of section.clauses) {
      if (typeof clause !== 'string' && !this.conditions.has(clause.when)) continue;
      const text = typeof clause === 'string' ? clause : clause.text;
      out.numbered(`${index}.${++n}.`, fill(text, this.values));
    }
    if (section.priceSummary) this.priceSummary();
  }

  /** The amounts once more as a small table, right-aligned so that the digits line up. */
  private priceSummary(): void {
    const { out, terms } = this;
    const rows: [string, string, boolean][] = [['Стоимость Курса', rubles(terms.priceKopecks), false]];
    if (terms.discountKopecks > 0) {
      const promo = terms.promoCode ? ` (промокод «${clean(terms.promoCode)}»)` : '';
      rows.push([`Скидка${promo}`, `− ${rubles(terms.discountKopecks)}`, false]);
    }
    rows.push(['Итого к оплате', rubles(terms.finalPriceKopecks), true]);
    const x = out.left + 30;
    const width = out.width - 30;
    const rowHeight = 15;
    out.ensureSpace(rows.length * rowHeight + 8);
    let y = out.doc.y + 2;
    out.rule(y, x, width);
    for (const [label, amount, total] of rows) {
      out.style(total ? 'bold' : 'regular', 10);
      out.doc.text(label, x + 4, y + 3, { width: width * 0.6, lineBreak: false });
      out.doc.text(amount, x + width * 0.6, y + 3, { width: width * 0.4 - 4, align: 'right', lineBreak: false });
      y += rowHeight;
      out.rule(y, x, width);
    }
    out.doc.x = out.left;
    out.doc.y = y + 6;
    out.style('regular', 10);
  }

  private requisites(index: number): void {
    const { out, parties, template } = this;
    const school = template.school;
    const gap = 24;
    const columnWidth = (out.width - gap) / 2;
    const left: Line[] = [
      { text: 'Исполнитель', font: 'bold', size: 10, gapAfter: 3 },
      { text: school.name },
      { text: `ИНН ${school.inn}, КПП ${school.kpp}` },
      { text: `ОГРН ${school.ogrn}` },
      { text: `Адрес: ${school.address}` },
      { text: `Р/с ${school.bank.account} в ${school.bank.name}` },
      { text: `БИК ${school.bank.bik}, к/с ${school.bank.correspondentAccount}` },
      { text: `Эл. почта: ${school.email}` },
      { text: `Телефон: ${school.phone}` },
    ];
    const right: Line[] = [
      { text: 'Заказчик', font: 'bold', size: 10, gapAfter: 3 },
      { text: clean(parties.fullName) },
      { text: `Дата рождения: ${shortDate(parties.birthDate)}` },
      { text: `Паспорт: серия ${parties.passportSeries} № ${parties.passportNumber}` },
      {
        text: `Выдан ${shortDate(parties.passportIssueDate)}, ${clean(parties.passportIssuedBy)}`,
      },
      { text: `Адрес регистрации: ${clean(parties.address)}` },
      { text: `Телефон: ${clean(parties.phone)}` },
      { text: `Эл. почта: ${clean(parties.email)}` },
    ];
    const signatureHeight = 78;
    out.doc.moveDown(0.4);
    out.style('bold', 10.5);
    const titleHeight = out.doc.currentLineHeight(true) * 1.6;
    const height = Math.max(out.linesHeight(left, columnWidth), out.linesHeight(right, columnWidth));
    // Requisites and signatures stay together on one page, as a signature page should.
    out.ensureSpace(titleHeight + height + signatureHeight + 12);
    out.style('bold', 10.5).paragraph(`${index}. ${template.requisitesTitle}`, { align: 'left' });
    out.doc.moveDown(0.4);
    const top = out.doc.y;
    const end = Math.max(
      out.column(left, out.left, top, columnWidth),
      out.column(right, out.left + columnWidth + gap, top, columnWidth),
    );
    const y = end + 12;
    this.schoolSignature(out.left, y, columnWidth);
    this.clientSignature(out.left + columnWidth + gap, y, columnWidth, signatureHeight);
    out.doc.x = out.left;
    out.doc.y = y + signatureHeight;
  }

  private schoolSignature(x: number, y: number, width: number): void {
    const { out, template } = this;
    out.column(
      [{ text: 'От Исполнителя', font: 'bold', size: 9, gapAfter: 2 }, { text: template.school.signatory.position }],
      x,
      y,
      width,
    );
    this.signatureLine(template.school.signatory.shortName, x, y, width);
  }

  /** The same box in both versions, so the signed pages break exactly where the draft's did. */
  private clientSignature(x: number, y: number, width: number, height: number): void {
    const { out } = this;
    if (this.variant.kind === 'draft') {
      out.column(
        [
          { text: 'Заказчик', font: 'bold', size: 9, gapAfter: 2 },
          { text: 'Подписывается простой электронной подписью', color: COLORS.muted, size: 8 },
        ],
        x,
        y,
        width,
      );
      this.signatureLine(initialsName(clean(this.parties.fullName)), x, y, width);
      return;
    }
    const { certificate } = this.variant;
    out.doc
      .rect(x, y - 4, width, height - 8)
      .lineWidth(0.8)
      .strokeColor('#1f5fa8')
      .stroke();
    out.column(
      [
        { text: 'Заказчик', font: 'bold', size: 9, gapAfter: 2 },
        { text: 'Подписано простой электронной подписью', font: 'bold', size: 8.5, color: '#1f5fa8', gapAfter: 2 },
        { text: clean(certificate.signerName), size: 8.5 },
        { text: moscowDateTime(certificate.signedAt), size: 8 },
        { text: 'Сведения о подписании — в листе подписания', size: 8, color: COLORS.muted },
      ],
      x + 6,
      y,
      width - 12,
    );
  }

  /** "____ / И. О. Фамилия /" at the same height in both columns. */
  private signatureLine(name: string, x: number, y: number, width: number): void {
    this.out.column([{ text: `____________________ / ${name} /` }], x, y + 48, width);
  }

  private certificate(certificate: SignatureCertificate): void {
    const { out, template } = this;
    out.doc.addPage();
    out.style('bold', 14).paragraph('ЛИСТ ПОДПИСАНИЯ', { align: 'center' });
    out.style('regular', 10).paragraph(`к договору № ${this.number} от ${longDate(this.contractDate)}`, {
      align: 'center',
    });
    out.paragraph(template.title.toLowerCase(), { align: 'center' });
    out.doc.moveDown(1.2);
    out
      .style('regular', 9.5)
      .paragraph(
        `Договор подписан Заказчиком простой электронной подписью. Сведения ниже записаны информационной ` +
          `системой Исполнителя (${template.school.shortName}) в момент подписания.`,
      );
    out.doc.moveDown(0.8);
    const userAgent = clean(certificate.userAgent);
    const rows: [string, string, 'regular' | 'mono'][] = [
      ['Документ', `${this.heading} (${template.title.toLowerCase()})`, 'regular'],
      ['Шаблон', `${template.templateId}, версия ${template.version}`, 'regular'],
      ['Заявка', this.parties.applicationId, 'mono'],
      ['Подписант', clean(certificate.signerName), 'regular'],
      ['Дата и время подписания', moscowDateTime(certificate.signedAt), 'regular'],
      [
        'Способ подтверждения',
        `Одноразовый код подтверждения направлен на адрес электронной почты ${maskEmail(clean(certificate.codeSentTo))} ` +
          `и введён подписантом на странице подписания договора.`,
        'regular',
      ],
      ['IP-адрес', clean(certificate.ip), 'mono'],
      [
        'Браузер (User-Agent)',
        userAgent.length > USER_AGENT_MAX ? `${userAgent.slice(0, USER_AGENT_MAX)}…` : userAgent || '—',
        'mono',
      ],
      ['Идентификатор проекта', clean(certificate.documentId), 'mono'],
      ['SHA-256 проекта', certificate.draftSha256.toLowerCase(), 'mono'],
    ];
    const labelWidth = 140;
    const valueX = out.left + labelWidth;
    const valueWidth = out.width - labelWidth;
    let y = out.doc.y;
    out.rule(y);
    for (const [label, value, font] of rows) {
      const size = font === 'mono' ? 8 : 9.5;
      out.style(font, size);
      const valueHeight = out.doc.heightOfString(value, { width: valueWidth - 6, lineGap: 1 });
      out.style('bold', 9);
      const height = Math.max(valueHeight, out.doc.heightOfString(label, { width: labelWidth - 8 }), 12);
      out.doc.text(label, out.left + 2, y + 5, { width: labelWidth - 8 });
      out.style(font, size).doc.text(value, valueX, y + 5, { width: valueWidth - 6, lineGap: 1 });
      y += height + 10;
      out.rule(y);
    }
    out.doc.x = out.left;
    out.doc.y = y + 14;
    out.style('regular', 9);
    out.paragraph(
      'SHA-256 проекта — хеш-сумма файла проекта договора, который был показан Заказчику перед подписанием: ' +
        'по ней можно убедиться, что подписан именно этот проект. Подписанный экземпляр содержит те же страницы ' +
        'с заполненным блоком подписи и настоящий лист.',
    );
    out.doc.moveDown(0.5);
    out.paragraph(
      'Хеш-сумма (SHA-256) настоящего подписанного документа не может быть указана в нём самом: она вычисляется ' +
        'после формирования файла и хранится в системе Исполнителя вместе с журналом подписания.',
    );
    if (certificate.events?.length && certificate.chainHead) this.trail(certificate.events, certificate.chainHead);
  }

  /** The audit trail up to the signature, one row per event, closed by the last event's hash. */
  private trail(events: SignedTrailEvent[], chainHead: string): void {
    const { out } = this;
    type Column = { x: number; width: number };
    type Cell = Column & { text: string; font: FontName; size: number };
    const [no, when, what]: Column[] = [
      { x: out.left, width: 30 },
      { x: out.left + 30, width: 120 },
      { x: out.left + 150, width: out.width - 150 },
    ];
    const cells = (font: FontName, size: number, ...texts: [Column, string][]): Cell[] =>
      texts.map(([column, text]) => ({ ...column, text, font, size }));
    const header = cells('bold', 8.5, [no, '№'], [when, 'Дата и время (московское время)'], [what, 'Событие']);
    const padding = 2.5;
    const measure = (row: Cell[]) =>
      Math.max(
        ...row.map((c) => out.style(c.font, c.size).doc.heightOfString(c.text, { width: c.width - 6, lineGap: 1 })),
      ) +
      2 * padding;
    let y = 0;
    const draw = (row: Cell[]) => {
      for (const c of row)
        out.style(c.font, c.size).doc.text(c.text, c.x + 3, y + padding, { width: c.width - 6, lineGap: 1 });
      y += measure(row);
      out.rule(y);
    };
    const start = () => {
      y = out.doc.y;
      out.rule(y);
      draw(header);
    };

    const headerHeight = measure(header);
    out.doc.moveDown(1);
    out.style('bold', 10.5);
    // The title, the note and the first rows of the table stay together.
    out.ensureSpace(out.doc.currentLineHeight(true) * 5 + headerHeight * 3);
    out.paragraph('Журнал действий по заявке до подписания', { align: 'left' });
    out.doc.moveDown(0.2);
    out
      .style('regular', 9)
      .paragraph(
        'Каждая запись журнала в системе Исполнителя содержит хеш-сумму предыдущей записи: по хеш-сумме последней ' +
          'записи можно проверить, что записи журнала до подписания не были изменены или удалены.',
      );
    out.doc.moveDown(0.4);
    start();
    const rows = [...events]
      .sort((a, b) => a.seq - b.seq)
      .map((e) =>
        cells('regular', 8.5, [no, String(e.seq)], [when, moscowShortDateTime(e.at)], [what, clean(auditEventText(e))]),
      );
    rows.push([
      { text: 'SHA-256 последней записи', x: no.x, width: no.width + when.width, font: 'bold', size: 8.5 },
      { text: chainHead.toLowerCase(), x: what.x, width: what.width, font: 'mono', size: 8 },
    ]);
    rows.forEach((row, i) => {
      // The hash row never stands alone on a page: the last event goes over with it.
      const keep = i === rows.length - 2 ? measure(rows[i + 1]) : 0;
      if (y + measure(row) + keep > out.bottom) {
        // A row is never split; the column titles come again on the next page.
        out.doc.addPage();
        start();
      }
      draw(row);
    });
    out.doc.x = out.left;
    out.doc.y = y + 8;
    out.style('regular', 10);
  }

  /** Header and footer of every page; in the draft also the «Проект договора» marks. */
  private runningTexts(): void {
    const { out } = this;
    const draft = this.variant.kind === 'draft';
    // Taken before eachPage() opens the margins.
    const { left, width } = out;
    out.eachPage((index, count) => {
      const { doc } = out;
      if (draft) {
        doc.save().fillColor(COLORS.draft).fillOpacity(0.07);
        out.outlineText('ПРОЕКТ', 'bold', 110, doc.page.width / 2, doc.page.height / 2, -40);
        doc.restore();
        out.style('bold', 8.5, COLORS.draft);
        doc.text('Проект договора. Не подписан и не имеет юридической силы.', left, 30, {
          width,
          align: 'center',
          lineBreak: false,
        });
      }
      out.rule(doc.page.height - 46, left, width);
      out.style('regular', 7.5, COLORS.muted);
      doc.text(this.heading, left, doc.page.height - 40, { width: width * 0.7, lineBreak: false });
      doc.text(`Страница ${index + 1} из ${count}`, left + width * 0.7, doc.page.height - 40, {
        width: width * 0.3,
        align: 'right',
        lineBreak: false,
      });
    });
  }
}

/** Single-line text as printed: control characters (a pasted tab, a CR) become spaces. */
function clean(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

const nonEmpty = (value: unknown) => typeof value === 'string' && value.trim().length > 0;
const kopecks = (value: unknown) => Number.isSafeInteger(value) && (value as number) >= 0;
const validDate = (value: unknown) => value instanceof Date && !Number.isNaN(value.getTime());
const validEvent = (e: SignedTrailEvent) =>
  Number.isSafeInteger(e?.seq) && e.seq > 0 && validDate(e.at) && nonEmpty(e.action) && typeof e.actor === 'string';

/**
 * The worker validated its variables already; this guards the printer against a caller that
 * did not. Messages name fields only, never their values (they may be personal and get logged).
 */
function check(parties: ContractParties, terms: CourseTerms, createdAt: Date, variant: Variant): void {
  const bad: string[] = [];
  const expect = (ok: boolean, field: string) => ok || bad.push(field);
  expect(/^[0-9A-Za-z]{8}/.test(String(parties.applicationId).replace(/-/g, '')), 'applicationId');
  for (const field of ['fullName', 'passportIssuedBy', 'address', 'phone', 'email'] as const) {
    expect(nonEmpty(parties[field]), field);
  }
  expect(isCalendarDate(parties.birthDate), 'birthDate');
  expect(isCalendarDate(parties.passportIssueDate), 'passportIssueDate');
  expect(/^\d{4}$/.test(parties.passportSeries), 'passportSeries');
  expect(/^\d{6}$/.test(parties.passportNumber), 'passportNumber');
  expect(nonEmpty(terms.courseCode), 'courseCode');
  expect(nonEmpty(terms.courseTitle), 'courseTitle');
  expect(isCalendarDate(terms.courseStartDate), 'courseStartDate');
  expect(kopecks(terms.priceKopecks), 'priceKopecks');
  expect(kopecks(terms.discountKopecks), 'discountKopecks');
  expect(kopecks(terms.finalPriceKopecks), 'finalPriceKopecks');
  expect(
    terms.priceKopecks === terms.discountKopecks + terms.finalPriceKopecks,
    'finalPriceKopecks (≠ price − discount)',
  );
  expect(validDate(createdAt), 'createdAt');
  if (variant.kind === 'signed') {
    const c = variant.certificate;
    for (const field of ['signerName', 'ip', 'codeSentTo', 'documentId'] as const) expect(nonEmpty(c[field]), field);
    expect(typeof c.userAgent === 'string', 'userAgent');
    expect(validDate(c.signedAt), 'signedAt');
    expect(/^[0-9a-fA-F]{64}$/.test(c.draftSha256), 'draftSha256');
    if (c.events !== undefined || c.chainHead !== undefined) {
      expect(Array.isArray(c.events) && c.events.every(validEvent), 'events');
      expect(typeof c.chainHead === 'string' && /^[0-9a-fA-F]{64}$/.test(c.chainHead), 'chainHead');
    }
  }
  if (bad.length) throw new RangeError(`Cannot print the contract, invalid: ${bad.join(', ')}`);
}
