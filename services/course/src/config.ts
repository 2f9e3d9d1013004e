import { baseEnv, isoDuration } from '@otus/common';
import { z } from 'zod';

export const courseEnv = baseEnv.extend({
  COURSE_PORT: z.coerce.number().int().positive().default(3003),
  COURSE_DB_URL: z.url(),
  /** How long a hold outlives the signing deadline it was taken for, before the sweep may free it. */
  COURSE_SEAT_HOLD_GRACE: isoDuration.default(3_600_000),
  COURSE_SEAT_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
});
export type CourseEnv = z.infer<typeof courseEnv>;
