import { Duration } from 'luxon';
import { z } from 'zod';

/** An ISO-8601 duration ('PT30M', 'P2D') as milliseconds; anything else is an invalid variable. */
export const isoDuration = z
  .string()
  .refine((value) => Duration.fromISO(value).isValid && Duration.fromISO(value).toMillis() > 0, {
    message: 'expected a positive ISO-8601 duration such as PT30M',
  })
  .transform((value) => Duration.fromISO(value).toMillis());
