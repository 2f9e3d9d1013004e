import { baseEnv } from '@otus/common';
import { z } from 'zod';

export const contractEnv = baseEnv.extend({
  CONTRACT_PORT: z.coerce.number().int().positive().default(3002),
  CONTRACT_MONGO_URL: z.url(),
});
export type ContractEnv = z.infer<typeof contractEnv>;
