import { baseEnv, engineAccountPassword, isoDuration, secret, timeZoneEnv } from '@otus/common';
import { z } from 'zod';

export const courseEnv = baseEnv.extend({
  COURSE_PORT: z.coerce.number().int().positive().default(3003),
  /** Prometheus only: `/metrics` is served here, never on COURSE_PORT. */
  COURSE_METRICS_PORT: z.coerce.number().int().positive().default(9103),
  /** This service's engine account (courseService): the engine creates it with the same variable. */
  COURSE_ENGINE_PASSWORD: engineAccountPassword,
  COURSE_DB_URL: secret('url', z.url()),
  /** How long a hold outlives the signing deadline it was taken for, before the sweep may free it. */
  COURSE_SEAT_HOLD_GRACE: isoDuration.default(3_600_000),
  COURSE_SEAT_SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(60_000),
  /** How often queued course changes are sent to the running applications (CourseChanged). */
  COURSE_CHANGE_DELIVERY_INTERVAL_MS: z.coerce.number().int().positive().default(2_000),
  /** The school's zone: a course starts at 00:00 of its start date there. */
  COURSE_TIME_ZONE: timeZoneEnv,
});
export type CourseEnv = z.infer<typeof courseEnv>;
