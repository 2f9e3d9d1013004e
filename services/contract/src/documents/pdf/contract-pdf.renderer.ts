import { createHash } from 'node:crypto';
import { Injectable, type OnModuleInit, Optional } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DEFAULT_TIME_ZONE, zonedTime } from '@otus/common';
import type { ContractEnv } from '../../config';
import { contractFonts } from './contract-fonts';
import { contractNumber } from './contract-format';
import { checkPrintInput, type ContractParties, type CourseTerms, type SignatureCertificate } from './contract-input';
import { ContractPrint, type Variant } from './contract-print';
import { ContractTemplates } from './contract-template';
import { printClauses, printTitle } from './print-clauses';
import { printRunningTexts } from './print-running-texts';
import { printRequisites } from './print-signatures';
import { printSigningSheet } from './print-signing-sheet';

export type { ContractParties, CourseTerms, SignatureCertificate, SignedTrailEvent } from './contract-input';

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

/**
 * Prints the contract for paid educational services: a draft marked «Проект договора» with an
 * empty signature block, and the signed version (the same pages, signature filled, plus a
 * signing certificate page). Output is deterministic: the same input gives the same bytes, so a
 * redelivered task stores the same hash. The words are the template's (contract-template.ts),
 * the layout is the print-*.ts sections'.
 */
@Injectable()
export class ContractPdfRenderer implements OnModuleInit {
  private templatesCache?: ContractTemplates;
  /** CONTRACT_TIME_ZONE: dates the contract and shows the signing times. */
  private readonly timeZone: string;

  constructor(@Optional() config?: ConfigService<ContractEnv, true>) {
    this.timeZone = config?.get('CONTRACT_TIME_ZONE', { infer: true }) ?? DEFAULT_TIME_ZONE;
  }

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
    checkPrintInput(parties, terms, createdAt, variant.kind === 'signed' ? variant.certificate : undefined);
    const { timeZone } = this;
    const contractDate = zonedTime(createdAt, timeZone).date;
    const template = options.templateVersion
      ? this.templates().version(options.templateVersion)
      : this.templates().forDate(contractDate);
    const number = contractNumber(parties.applicationId);
    const print = new ContractPrint({ template, parties, terms, variant, number, contractDate, createdAt, timeZone });
    printTitle(print);
    printClauses(print);
    printRequisites(print, template.sections.length + 1);
    if (variant.kind === 'signed') printSigningSheet(print, variant.certificate);
    printRunningTexts(print);
    const pdf = await print.out.finish();
    return {
      pdf,
      sha256: createHash('sha256').update(pdf).digest('hex'),
      templateId: template.templateId,
      templateVersion: template.version,
    };
  }
}
