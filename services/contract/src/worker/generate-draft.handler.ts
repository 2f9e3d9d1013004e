import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import type { ContractEnv } from '../config';
import { ContractIssuer } from '../documents/contract-issuer';
import { contractTermsInput } from '../documents/contract-terms.input';
import { signingReminders } from '../lifecycle/signing-reminders';

/**
 * The terms, the signing deadline course.hold-seat set (bounded by the course calendar), and which
 * draft this is: `draftRevision` n after the client's n-th correction (ClientDataCorrected), absent
 * before any.
 */
const input = z.intersection(
  contractTermsInput,
  z.object({
    // Absent for instances of the model version before the calendar bounds: no reminders there.
    signDeadline: z.iso.datetime({ offset: true }).nullish(),
    draftRevision: z.number().int().min(0).max(1_000).nullish(),
  }),
);
type Input = z.infer<typeof input>;

/**
 * Renders the draft with the price locked by promo.validate; a redelivered task gets the stored
 * draft of its revision, and a correction (a new revision) a new document. It also plans the
 * reminders before the signing deadline (CONTRACT_SIGNING_REMINDERS) that the signature's wait
 * counts through.
 */
@Injectable()
@TaskHandler(TOPICS.contractGenerateDraft)
export class GenerateDraftHandler implements TopicHandler<
  Input,
  { draftDocumentId: string; draftSha256: string; signingReminderTimes: string; signingRemindersSent: number }
> {
  readonly input = input;
  private readonly reminderOffsets: number[];

  constructor(
    private readonly issuer: ContractIssuer,
    config: ConfigService<ContractEnv, true>,
  ) {
    this.reminderOffsets = config.get('CONTRACT_SIGNING_REMINDERS', { infer: true });
  }

  async handle({ draftRevision, ...terms }: Input) {
    const { _id, sha256 } = await this.issuer.draft(terms, draftRevision ?? 0);
    return {
      draftDocumentId: _id,
      draftSha256: sha256,
      // When the CRM's draft.ready says it happened (its webhook runs after the draft's e-mail).
      draftReadyAt: new Date().toISOString(),
      ...signingReminders(terms.signDeadline ? new Date(terms.signDeadline) : null, this.reminderOffsets),
    };
  }
}
