import { Injectable } from '@nestjs/common';
import { TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { ContractIssuer } from '../documents/contract-issuer';
import { contractTermsInput, type ContractTermsInput } from '../documents/contract-terms.input';

/** Renders the draft with the price locked by promo.validate; a redelivered task gets the stored draft. */
@Injectable()
@TaskHandler(TOPICS.contractGenerateDraft)
export class GenerateDraftHandler implements TopicHandler<
  ContractTermsInput,
  { draftDocumentId: string; draftSha256: string }
> {
  readonly input = contractTermsInput;

  constructor(private readonly issuer: ContractIssuer) {}

  async handle(input: ContractTermsInput) {
    const { _id, sha256 } = await this.issuer.draft(input);
    return { draftDocumentId: _id, draftSha256: sha256 };
  }
}
