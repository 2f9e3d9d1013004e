import { Injectable } from '@nestjs/common';
import { TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import { RedemptionService } from '../redemptions/redemption.service';

const input = z.object({ applicationId: z.string().min(1).max(64) });
type Input = z.infer<typeof input>;

/** The contract is signed: the reserved use is spent. No code, or one that did not apply: nothing to do. */
@Injectable()
@TaskHandler(TOPICS.promoRedeem)
export class RedeemPromoHandler implements TopicHandler<Input, { promoRedeemed: boolean }> {
  readonly input = input;

  constructor(private readonly redemptions: RedemptionService) {}

  async handle({ applicationId }: Input) {
    return { promoRedeemed: (await this.redemptions.redeem(applicationId)) !== null };
  }
}
