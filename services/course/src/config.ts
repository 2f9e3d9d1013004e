import { baseEnv } from '@otus/common';
import { z } from 'zod';

export const courseEnv = baseEnv.extend({
  COURSE_PORT: z.coerce.number().int().positive().default(3003),
  COURSE_DB_URL: z.url(),
});
export type CourseEnv = z.infer<typeof courseEnv>;
