import { Injectable } from '@nestjs/common';
import { TaskHandler, type TopicHandler, TOPICS } from '@otus/common';
import { z } from 'zod';
import { MAX_KOPECKS } from '../money/money';
import { type PromoOutcome, RedemptionService } from '../redemptions/redemption.service';

const input = z.object({
  applicationId: z.string().min(1).max(64),
  courseCode: z.string().trim().min(1).max(64),
  priceKopecks: z.number().int().min(0).max(MAX_KOPECKS),
  // Only its hash is stored, to count uses per client; unicode addresses (почта.рф) are fine.
  clientEmail: z
    .string()
    .trim()
    .pipe(z.email({ pattern: z.regexes.unicodeEmail })),
  // Whatever the client typed; a malformed code is PROMO_INVALID, never a stopped process.
  promoCode: z.string().nullish(),
});
type Input = z.infer<typeof input>;

/**
 * Prices the application: a code that applies reserves one use and locks the discount;
 * one that does not leaves the full price and says why in promoStatus. No BPMN errors.
 */
@Injectable()
@TaskHandler(TOPICS.promoValidate)
export class ValidatePromoHandler implements TopicHandler<Input, PromoOutcome & Record<string, unknown>> {
  readonly input = input;

  constructor(private readonly redemptions: RedemptionService) {}

  async handle(variables: Input) {
    return { ...(await this.redemptions.reserve(variables)) };
  }
}
