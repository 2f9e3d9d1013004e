import { baseEnv } from '@otus/common';
import { z } from 'zod';

export const userEnv = baseEnv.extend({
  USER_PORT: z.coerce.number().int().positive().default(3001),
  USER_DB_URL: z.url(),
});
export type UserEnv = z.infer<typeof userEnv>;
