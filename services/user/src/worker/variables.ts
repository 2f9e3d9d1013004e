import { z } from 'zod';

/**
 * A point in time as a process variable: ISO-8601 with an offset, as a Date. A Date-typed engine
 * variable arrives as a Date and is taken too.
 */
export const instant = z
  .preprocess((value) => (value instanceof Date ? value.toISOString() : value), z.iso.datetime({ offset: true }))
  .transform((value) => new Date(value));
