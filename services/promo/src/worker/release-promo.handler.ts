import { Injectable } from '@nestjs/common';
import { TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import { RedemptionService } from '../redemptions/redemption.service';

const input = z.object({ applicationId: z.string().min(1).max(64) });
type Input = z.infer<typeof input>;

/** Compensation: gives the use back. Also runs on paths where nothing was ever reserved. */
@Injectable()
@TaskHandler(TOPICS.promoRelease)
export class ReleasePromoHandler implements TopicHandler<Input, { promoReleased: boolean }> {
  readonly input = input;

  constructor(private readonly redemptions: RedemptionService) {}

  async handle({ applicationId }: Input) {
    return { promoReleased: (await this.redemptions.release(applicationId)) !== null };
  }
}
