import { baseEnv, isoDuration } from '@otus/common';
import { z } from 'zod';

export const promoEnv = baseEnv.extend({
  PROMO_PORT: z.coerce.number().int().positive().default(3004),
  PROMO_DB_URL: z.url(),
  /** Public code checks allowed per client address in each window (in memory, per instance). */
  PROMO_CHECK_RATE_LIMIT: z.coerce.number().int().positive().default(30),
  PROMO_CHECK_RATE_WINDOW: isoDuration.default(60_000),
});
export type PromoEnv = z.infer<typeof promoEnv>;
