import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { DomainError, TaskHandler, type TopicHandler } from '@otus/common';
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

/** The signed contract: the draft's pages with the signature filled in, plus the signing certificate. */
@Injectable()
@TaskHandler('contract.finalize')
export class FinalizeHandler implements TopicHandler<Input, { signedDocumentId: string; signedSha256: string }> {
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
    const signature = application.signature;
    if (!signature)
      throw new DomainError('NOT_SIGNED', `Application ${applicationId} has no signature`, { status: 409 });
    // The signed pages keep the draft's template version, even if a newer one was released meanwhile.
    const draft = await this.documents.get(applicationId, 'draft');
    const stored =
      (await this.documents.find(applicationId, 'signed')) ??
      (await this.documents.store(
        applicationId,
        'signed',
        await this.renderer.renderSigned(
          this.composer.parties(application),
          { ...terms, promoCode: promoStatus === 'APPLIED' ? promoCode : null },
          application.dataSubmittedAt!,
          { ...signature, documentId: signature.draftDocumentId },
          { templateVersion: draft.templateVersion },
        ),
        signature.signedAt,
      ));
    const moved = await this.applications.updateOne(
      { _id: applicationId, status: ApplicationStatus.Signed },
      { $set: { status: ApplicationStatus.Concluded, signedDocumentId: stored._id } },
    );
    if (moved.modifiedCount)
      await this.audit.record(applicationId, 'contract.finalized', { actor: 'system' }, { sha256: stored.sha256 });
    return { signedDocumentId: stored._id, signedSha256: stored.sha256 };
  }
}
