import { DateTime, Duration } from 'luxon';
import { z } from 'zod';

/** An ISO-8601 duration ('PT30M', 'P2D') as milliseconds; anything else is an invalid variable. */
export const isoDuration = z
  .string()
  .refine((value) => Duration.fromISO(value).isValid && Duration.fromISO(value).toMillis() > 0, {
    message: 'expected a positive ISO-8601 duration such as PT30M',
  })
  .transform((value) => Duration.fromISO(value).toMillis());

/**
 * An ISO-8601 period kept as text ('P30D', 'P5Y'), added on the calendar with plusPeriod(): five
 * years from a date is that date five years on, not 5 × 365 days.
 */
export const isoPeriod = z
  .string()
  .refine((value) => Duration.fromISO(value).isValid && Duration.fromISO(value).toMillis() > 0, {
    message: 'expected a positive ISO-8601 duration such as P30D',
  });

/** `at` plus an ISO-8601 period, on the UTC calendar. */
export function plusPeriod(at: Date, period: string): Date {
  return DateTime.fromJSDate(at, { zone: 'utc' }).plus(Duration.fromISO(period)).toJSDate();
}

/** `at` minus an ISO-8601 period, on the UTC calendar. */
export function minusPeriod(at: Date, period: string): Date {
  return DateTime.fromJSDate(at, { zone: 'utc' }).minus(Duration.fromISO(period)).toJSDate();
}

/**
 * A point in time as a process variable: ISO-8601 with an offset ('2026-11-23T12:00:00.000Z'), as
 * a Date. A Date-typed engine variable arrives as a Date and is taken too.
 */
export const isoInstant = z
  .preprocess((value) => (value instanceof Date ? value.toISOString() : value), z.iso.datetime({ offset: true }))
  .transform((value) => new Date(value));
