import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { TaskHandler, type TopicHandler } from '@otus/common';
import type { Model } from 'mongoose';
import { Application, ApplicationStatus } from '../applications/application.schema';
import { ApplicationsService } from '../applications/applications.service';
import { AuditService } from '../audit/audit.service';
import { ContractComposer } from '../documents/contract-composer';
import { DocumentsService } from '../documents/documents.service';
import { ContractPdfRenderer } from '../documents/pdf/contract-pdf.renderer';
import { contractTermsInput, type ContractTermsInput } from './contract-terms.input';

const input = contractTermsInput;
type Input = ContractTermsInput;

/** Renders the draft with the price locked by promo.validate; a redelivered task gets the stored draft. */
@Injectable()
@TaskHandler('contract.generate-draft')
export class GenerateDraftHandler implements TopicHandler<Input, { draftDocumentId: string; draftSha256: string }> {
  readonly input = input;

  constructor(
    @InjectModel(Application.name) private readonly applications: Model<Application>,
    private readonly applicationsService: ApplicationsService,
    private readonly composer: ContractComposer,
    private readonly renderer: ContractPdfRenderer,
    private readonly documents: DocumentsService,
    private readonly audit: AuditService,
  ) {}

  async handle({ applicationId, promoStatus, promoCode, ...terms }: Input) {
    const application = await this.applicationsService.get(applicationId);
    const stored =
      (await this.documents.find(applicationId, 'draft')) ??
      (await this.documents.store(
        applicationId,
        'draft',
        await this.renderer.renderDraft(
          this.composer.parties(application),
          { ...terms, promoCode: promoStatus === 'APPLIED' ? promoCode : null },
          application.dataSubmittedAt!,
        ),
        application.dataSubmittedAt!,
      ));
    const moved = await this.applications.updateOne(
      { _id: applicationId, status: ApplicationStatus.DataSubmitted },
      { $set: { status: ApplicationStatus.DraftReady, draftDocumentId: stored._id } },
    );
    if (moved.modifiedCount)
      await this.audit.record(applicationId, 'draft.generated', { actor: 'system' }, { sha256: stored.sha256 });
    return { draftDocumentId: stored._id, draftSha256: stored.sha256 };
  }
}
