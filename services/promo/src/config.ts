import { baseEnv, engineAccountPassword, isoDuration, secret } from '@otus/common';
import { z } from 'zod';

export const promoEnv = baseEnv.extend({
  PROMO_PORT: z.coerce.number().int().positive().default(3004),
  /** Prometheus only: `/metrics` is served here, never on PROMO_PORT. */
  PROMO_METRICS_PORT: z.coerce.number().int().positive().default(9104),
  /** This service's engine account (promoService): the engine creates it with the same variable. */
  PROMO_ENGINE_PASSWORD: engineAccountPassword,
  PROMO_DB_URL: secret('url', z.url()),
  /** Public code checks allowed per client address in each window (in memory, per instance). */
  PROMO_CHECK_RATE_LIMIT: z.coerce.number().int().positive().default(30),
  PROMO_CHECK_RATE_WINDOW: isoDuration.default(60_000),
});
export type PromoEnv = z.infer<typeof promoEnv>;
