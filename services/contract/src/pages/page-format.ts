/**
 * What the pages add to @otus/common's Russian formatter: values that may be missing, a moment
 * named with its zone («МСК»), and the school's zone from CONTRACT_TIME_ZONE.
 */
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { clockTime, DEFAULT_TIME_ZONE, longDate, longDateTime, rubles, zoneName } from '@otus/common';
import type { ContractEnv } from '../config';

let timeZone = DEFAULT_TIME_ZONE;

/**
 * Sets the zone of the times on the pages from CONTRACT_TIME_ZONE (the PDF prints in the same
 * zone). A provider of PagesModule, so that it is set before the first page is built.
 */
@Injectable()
export class PageTimeZone {
  constructor(config: ConfigService<ContractEnv, true>) {
    timeZone = config.get('CONTRACT_TIME_ZONE', { infer: true });
  }
}

/** «МСК» for the school's usual zone, the zone's short name («GMT+5») for any other. */
function zoneLabel(instant: Date): string {
  return timeZone === DEFAULT_TIME_ZONE ? 'МСК' : zoneName(instant, timeZone);
}

/** 9 900 000 kopecks → «99 000,00 ₽» (with non-breaking spaces); nothing for no price. */
export function formatRubles(kopecks: number | null | undefined): string | null {
  return typeof kopecks === 'number' ? rubles(kopecks) : null;
}

/** A calendar date `YYYY-MM-DD` (or the UTC date of an ISO time) → «23 декабря 2026 г.». */
export function formatDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? null : longDate(date.toISOString().slice(0, 10));
}

/** A moment → «26 ноября 2026 г. в 19:18 (МСК)». */
export function formatDateTime(value: string | Date | null | undefined): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return `${longDateTime(date, timeZone)} (${zoneLabel(date)})`;
}

/** A moment → «19:18:05» in the school's zone. */
export function formatClock(value: string | Date): string {
  return clockTime(new Date(value), timeZone);
}

/** Today's date (UTC) shifted by whole years, as `YYYY-MM-DD`. */
export function isoDateYearsFromToday(years: number, now = new Date()): string {
  const today = now.toISOString().slice(0, 10);
  return `${Number(today.slice(0, 4)) + years}${today.slice(4)}`;
}
