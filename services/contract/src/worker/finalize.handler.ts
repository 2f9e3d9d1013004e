import { Injectable } from '@nestjs/common';
import { TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { ContractIssuer } from '../documents/contract-issuer';
import { contractTermsInput, type ContractTermsInput } from '../documents/contract-terms.input';

/** The signed contract: the draft's pages with the signature filled in, plus the signing certificate. */
@Injectable()
@TaskHandler(TOPICS.contractFinalize)
export class FinalizeHandler implements TopicHandler<
  ContractTermsInput,
  { signedDocumentId: string; signedSha256: string }
> {
  readonly input = contractTermsInput;

  constructor(private readonly issuer: ContractIssuer) {}

  async handle(input: ContractTermsInput) {
    const { _id, sha256 } = await this.issuer.signed(input);
    return { signedDocumentId: _id, signedSha256: sha256 };
  }
}
