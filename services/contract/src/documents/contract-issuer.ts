import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { createHash } from 'node:crypto';
import { countFunnelStep } from '@otus/common';
import type { Model } from 'mongoose';
import { Application, type ApplicationDocument, ApplicationStatus } from '../applications/application.schema';
import { ApplicationsService } from '../applications/applications.service';
import { AuditService } from '../audit/audit.service';
import type { ContractTermsInput } from './contract-terms.input';
import { ContractComposer } from './contract-composer';
import type { ContractDocument, DocumentKind } from './document.schema';
import { DocumentsService } from './documents.service';
import { ContractPdfRenderer, type CourseTerms, type RenderedPdf } from './pdf/contract-pdf.renderer';
import { PdfSealer } from './seal/pdf-sealer';
import { contractErrors } from '../contract-errors';

/**
 * Issues an application's contract PDFs: the draft once the client's data is in (a new one, of
 * the next revision, after each correction of the data), the signed one once the code was
 * confirmed. Each is rendered and stored once; a repeat returns it.
 */
@Injectable()
export class ContractIssuer {
  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly applicationsService: ApplicationsService,
    private readonly composer: ContractComposer,
    private readonly renderer: ContractPdfRenderer,
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
    private readonly sealer: PdfSealer,
  ) {}

  /** `revision`: 0 for the first draft, n after the client's n-th correction (`draftRevision`). */
  async draft(input: ContractTermsInput, revision = 0): Promise<ContractDocument> {
    return this.issue(
      input,
      'draft',
      revision,
      ApplicationStatus.DataSubmitted,
      ApplicationStatus.DraftReady,
      (application, terms) =>
        this.renderer.renderDraft(this.composer.parties(application), terms, application.dataSubmittedAt!),
    );
  }

  async signed(input: ContractTermsInput): Promise<ContractDocument> {
    return this.issue(
      input,
      'signed',
      0,
      ApplicationStatus.Signed,
      ApplicationStatus.Concluded,
      async (application, terms) => {
        const signature = application.signature;
        if (!signature) throw contractErrors.NOT_SIGNED(`Application ${application._id} has no signature`);
        // The signed pages keep the template version of the draft the client signed (the current
        // one: a correction withdraws the earlier drafts), even if a newer version was released meanwhile.
        const draft = await this.documents.byId(signature.draftDocumentId);
        // The signing sheet lists the audit chain up to the signature and its head hash.
        const trail = await this.audit.trailUpTo(application._id, 'contract.signed');
        const rendered = await this.renderer.renderSigned(
          this.composer.parties(application),
          terms,
          application.dataSubmittedAt!,
          { ...signature, documentId: signature.draftDocumentId, ...(trail ?? {}) },
          { templateVersion: draft.templateVersion },
        );
        // Sealed with the school’s certificate, dated the moment of the signature.
        const pdf = await this.sealer.seal(rendered.pdf, { signingTime: signature.signedAt });
        return { ...rendered, pdf, sha256: createHash('sha256').update(pdf).digest('hex') };
      },
    );
  }

  private async issue(
    { applicationId, promoStatus, promoCode, ...rest }: ContractTermsInput,
    kind: DocumentKind,
    revision: number,
    from: ApplicationStatus,
    to: ApplicationStatus,
    render: (application: ApplicationDocument, terms: CourseTerms) => Promise<RenderedPdf>,
  ): Promise<ContractDocument> {
    const application = await this.applicationsService.get(applicationId);
    const terms = { ...rest, promoCode: promoStatus === 'APPLIED' ? promoCode : null };
    const stored =
      (await this.documents.find(applicationId, kind, revision)) ??
      (await this.documents.store(applicationId, kind, await render(application, terms), new Date(), revision));
    const field = kind === 'draft' ? 'draftDocumentId' : 'signedDocumentId';
    const moved = await this.applications.updateOne(
      { _id: applicationId, status: from },
      { $set: { status: to, [field]: stored._id } },
    );
    if (moved.modifiedCount) {
      if (kind === 'draft') countFunnelStep('draft_ready');
      await this.audit.record(
        applicationId,
        `${kind === 'draft' ? 'draft.generated' : 'contract.finalized'}`,
        { actor: 'system' },
        kind === 'draft' && revision > 0 ? { sha256: stored.sha256, revision } : { sha256: stored.sha256 },
      );
    }
    return stored;
  }
}
