/**
 * Money, dates and times for a Russian reader: the one formatter of the pages, the e-mails and
 * the contract PDF. Written by hand rather than with Intl wherever the output must not depend
 * on the runtime's ICU data (a retried worker prints the same PDF bytes, so the same hash): only
 * a zone's offset at an instant and its short name come from the runtime's time zone data.
 *
 * Instants are shown in a zone the caller passes in, from its configuration
 * (CONTRACT_TIME_ZONE, NOTIFICATION_TIME_ZONE); calendar dates (`YYYY-MM-DD`) have no zone.
 */

/** U+00A0: ru-RU separates thousands and the currency sign with it; DejaVu Sans has the glyph. */
export const NBSP = '\u00a0';

/** 9 900 000 kopecks → «99 000,00 ₽» (non-breaking spaces, as ru-RU prints them); see docs/money.md. */
export function rubles(kopecks: number): string {
  if (!Number.isSafeInteger(kopecks) || kopecks < 0) throw new RangeError('kopecks must be a non-negative integer');
  const whole = Math.floor(kopecks / 100).toString();
  const cents = (kopecks % 100).toString().padStart(2, '0');
  return `${whole.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP)},${cents}${NBSP}₽`;
}

const MONTHS_GENITIVE = [
  'января',
  'февраля',
  'марта',
  'апреля',
  'мая',
  'июня',
  'июля',
  'августа',
  'сентября',
  'октября',
  'ноября',
  'декабря',
];

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function calendarDate(isoDate: string): { year: number; month: number; day: number } {
  const match = ISO_DATE.exec(isoDate);
  if (!match) throw new RangeError('not a YYYY-MM-DD date');
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError('not a calendar date');
  }
  return { year, month, day };
}

/** '2026-02-28' is; '2026-02-30', '28.02.2026' and non-strings are not. */
export function isCalendarDate(value: unknown): boolean {
  try {
    calendarDate(value as string);
    return true;
  } catch {
    return false;
  }
}

/** '2026-12-10' → «10 декабря 2026 г.» (a calendar date: no time zone involved). */
export function longDate(isoDate: string): string {
  const { year, month, day } = calendarDate(isoDate);
  return `${day} ${MONTHS_GENITIVE[month - 1]} ${year} г.`;
}

/** '1990-03-07' → «07.03.1990», as dates of birth and passport issue are usually written. */
export function shortDate(isoDate: string): string {
  const { year, month, day } = calendarDate(isoDate);
  return `${pad(day)}.${pad(month)}.${year}`;
}

/** An instant as wall-clock time in a zone. */
export interface ZonedTime {
  /** 'YYYY-MM-DD' in the zone. */
  date: string;
  /** 'HH:MM:SS' in the zone. */
  time: string;
  /** '+03:00': the zone's offset from UTC at that instant (tz data, not a constant). */
  offset: string;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();
const nameFormats = new Map<string, Intl.DateTimeFormat>();

function cached(
  cache: Map<string, Intl.DateTimeFormat>,
  timeZone: string,
  make: () => Intl.DateTimeFormat,
): Intl.DateTimeFormat {
  let format = cache.get(timeZone);
  if (!format) {
    format = make();
    cache.set(timeZone, format);
  }
  return format;
}

/** An instant as wall-clock time in `timeZone`, with the offset in force then. */
export function zonedTime(instant: Date, timeZone: string): ZonedTime {
  if (Number.isNaN(instant.getTime())) throw new RangeError('invalid date');
  // en-GB with numeric parts only: no locale wording from ICU reaches the output.
  const format = cached(
    partsFormats,
    timeZone,
    () =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }),
  );
  const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
  const wallClock = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const minutes = Math.round((wallClock - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
  const sign = minutes < 0 ? '-' : '+';
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    offset: `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`,
  };
}

/** An instant → «26 ноября 2026 г. в 19:18» in `timeZone` (no zone named: the caller says which). */
export function longDateTime(instant: Date, timeZone: string): string {
  const { date, time } = zonedTime(instant, timeZone);
  return `${longDate(date)} в ${time.slice(0, 5)}`;
}

/** An instant → «23.11.2026 15:41:03» in `timeZone`, for tables whose header names the zone. */
export function shortDateTime(instant: Date, timeZone: string): string {
  const { date, time } = zonedTime(instant, timeZone);
  return `${shortDate(date)} ${time}`;
}

/** An instant → «19:18:05» in `timeZone`. */
export function clockTime(instant: Date, timeZone: string): string {
  return zonedTime(instant, timeZone).time;
}

/** The zone's short name at an instant as ru-RU writes it: «GMT+3», «GMT+5:30», «UTC». */
export function zoneName(instant: Date, timeZone: string): string {
  const format = cached(
    nameFormats,
    timeZone,
    () => new Intl.DateTimeFormat('ru-RU', { timeZone, timeZoneName: 'short' }),
  );
  return format.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? timeZone;
}

/** An instant → «10 декабря 2026 г. в 15:00 (GMT+3)»: the zone named, for a reader anywhere. */
export function longDateTimeWithZone(instant: Date, timeZone: string): string {
  return `${longDateTime(instant, timeZone)} (${zoneName(instant, timeZone)})`;
}

const plural = new Intl.PluralRules('ru-RU');

/** 1 попытка, 3 попытки, 5 попыток. */
export function pluralRu(n: number, [one, few, many]: [string, string, string]): string {
  const form = plural.select(n);
  return `${n} ${form === 'one' ? one : form === 'few' ? few : many}`;
}

function pad(value: number): string {
  return value.toString().padStart(2, '0');
}
