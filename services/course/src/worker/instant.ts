import { z } from 'zod';

/** An ISO-8601 instant with an offset ('2026-11-23T12:00:00.000Z') as a Date; an engine Date variable is taken too. */
export const instant = z
  .preprocess((value) => (value instanceof Date ? value.toISOString() : value), z.iso.datetime({ offset: true }))
  .transform((value) => new Date(value));
