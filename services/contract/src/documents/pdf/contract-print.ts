import { longDate, rubles, shortDate } from '@otus/common';
import { clean } from './contract-format';
import type { ContractParties, CourseTerms, SignatureCertificate } from './contract-input';
import { type ClauseCondition, type ContractTemplate, fill, type TemplateValues } from './contract-template';
import { PdfPageWriter } from './pdf-page-writer';

export type Variant = { kind: 'draft' } | { kind: 'signed'; certificate: SignatureCertificate };

/** What the printer was asked for, checked (contract-input.ts) and dated. */
export interface PrintJob {
  template: ContractTemplate;
  parties: ContractParties;
  terms: CourseTerms;
  variant: Variant;
  /** The contract number: contractNumber(applicationId). */
  number: string;
  /** 'YYYY-MM-DD': the contract's date in `timeZone`. */
  contractDate: string;
  createdAt: Date;
  /** CONTRACT_TIME_ZONE: the zone of the times printed. */
  timeZone: string;
}

/**
 * One document being printed, as each layout section (print-*.ts) sees it: the job, the page
 * writer, and the template's texts with the document's values filled in.
 */
export class ContractPrint {
  readonly out: PdfPageWriter;
  readonly values: TemplateValues;
  readonly conditions: ReadonlySet<ClauseCondition>;
  /** «Договор № 3F2A9C1B от 23 ноября 2026 г.»: the footer, the sheet and the file's title. */
  readonly heading: string;

  constructor(readonly job: PrintJob) {
    const { template, parties, terms, variant, number, contractDate, createdAt } = job;
    const discounted = terms.discountKopecks > 0;
    const promo = discounted && terms.promoCode ? clean(terms.promoCode) : '';
    const school = template.school;
    this.values = {
      contractNumber: number,
      contractDate: longDate(contractDate),
      applicationId: parties.applicationId,
      templateId: template.templateId,
      templateVersion: template.version,
      timeZoneName: template.timeZoneName,
      'school.name': school.name,
      'school.shortName': school.shortName,
      'school.licence': school.licence,
      'school.representedBy': school.signatory.representedBy,
      'school.email': school.email,
      'school.phone': school.phone,
      'school.site': school.site,
      'school.inn': school.inn,
      'school.kpp': school.kpp,
      'school.ogrn': school.ogrn,
      'school.address': school.address,
      'school.bank.name': school.bank.name,
      'school.bank.account': school.bank.account,
      'school.bank.bik': school.bank.bik,
      'school.bank.correspondentAccount': school.bank.correspondentAccount,
      'client.fullName': clean(parties.fullName),
      'client.birthDate': shortDate(parties.birthDate),
      'client.email': clean(parties.email),
      'client.phone': clean(parties.phone),
      'client.address': clean(parties.address),
      'client.passportSeries': parties.passportSeries,
      'client.passportNumber': parties.passportNumber,
      'client.passportIssueDate': shortDate(parties.passportIssueDate),
      'client.passportIssuedBy': clean(parties.passportIssuedBy),
      'course.title': clean(terms.courseTitle),
      'course.code': clean(terms.courseCode),
      'course.startDate': longDate(terms.courseStartDate),
      price: rubles(terms.priceKopecks),
      discount: rubles(terms.discountKopecks),
      finalPrice: rubles(terms.finalPriceKopecks),
      promoSuffix: promo ? ` по промокоду «${promo}»` : '',
      promoCode: promo,
    };
    this.conditions = new Set<ClauseCondition>([
      discounted ? 'discount' : 'noDiscount',
      terms.finalPriceKopecks > 0 ? 'paid' : 'free',
    ]);
    this.heading = this.say(template.wording.heading);
    this.out = new PdfPageWriter({
      title: `${this.heading} (${template.title.toLowerCase()})`,
      author: school.shortName,
      creationDate: createdAt,
      modDate: variant.kind === 'signed' ? variant.certificate.signedAt : createdAt,
    });
  }

  get template(): ContractTemplate {
    return this.job.template;
  }

  get wording(): ContractTemplate['wording'] {
    return this.job.template.wording;
  }

  /** A template text with the document's values, and `local` ones for its own placeholders. */
  say(text: string, local?: Readonly<Record<string, string>>): string {
    return fill(text, this.values, local);
  }
}
