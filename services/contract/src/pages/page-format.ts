/** How the pages write money, dates and addresses for a Russian reader. */

/** Times are shown in Moscow time, as in the e-mails; the page says so («МСК»). */
export const PAGE_TIME_ZONE = 'Europe/Moscow';

const rubles = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' });
const longDate = new Intl.DateTimeFormat('ru-RU', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dateTime = new Intl.DateTimeFormat('ru-RU', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZone: PAGE_TIME_ZONE,
});
const clock = new Intl.DateTimeFormat('ru-RU', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZone: PAGE_TIME_ZONE,
});

/** 9 900 000 kopecks → «99 000,00 ₽» (with non-breaking spaces, as Intl writes them). */
export function formatRubles(kopecks: number | null | undefined): string | null {
  return typeof kopecks === 'number' ? rubles.format(kopecks / 100) : null;
}

/** A calendar date `YYYY-MM-DD` (or an ISO time) → «23 декабря 2026 г.». */
export function formatDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? null : longDate.format(date);
}

/** A moment → «26 ноября 2026 г. в 19:18 (МСК)». */
export function formatDateTime(value: string | Date | null | undefined): string | null {
  if (!value) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  return `${dateTime.format(date).replace(', ', ' в ')} (МСК)`;
}

/** A moment → «19:18:05» in Moscow time. */
export function formatClock(value: string | Date): string {
  return clock.format(new Date(value));
}

const plural = new Intl.PluralRules('ru-RU');

/** 1 попытка, 3 попытки, 5 попыток. */
export function pluralRu(n: number, [one, few, many]: [string, string, string]): string {
  const form = plural.select(n);
  return `${n} ${form === 'one' ? one : form === 'few' ? few : many}`;
}

/** Today's date (UTC) shifted by whole years, as `YYYY-MM-DD`. */
export function isoDateYearsFromToday(years: number, now = new Date()): string {
  const today = now.toISOString().slice(0, 10);
  return `${Number(today.slice(0, 4)) + years}${today.slice(4)}`;
}
