import { baseEnv } from '@otus/common';
import { z } from 'zod';

export const promoEnv = baseEnv.extend({
  PROMO_PORT: z.coerce.number().int().positive().default(3004),
  PROMO_DB_URL: z.url(),
});
export type PromoEnv = z.infer<typeof promoEnv>;
