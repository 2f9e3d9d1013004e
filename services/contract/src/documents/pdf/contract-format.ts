/**
 * How the contract prints numbers, dates and identifiers. Written by hand rather than with
 * Intl wherever the output must not depend on the runtime's ICU data: a retried worker has to
 * produce the same bytes, so the same hash.
 */

import { maskEmail } from '@otus/common';

/** U+00A0: ru-RU separates thousands and the currency sign with it; DejaVu Sans has the glyph. */
export const NBSP = '\u00a0';

/** 9 900 000 kopecks → "99 000,00 ₽" (non-breaking spaces, as ru-RU prints them). */
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
  if (!match) throw new RangeError(`not a YYYY-MM-DD date`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`not a calendar date`);
  }
  return { year, month, day };
}

export function isCalendarDate(value: string): boolean {
  try {
    calendarDate(value);
    return true;
  } catch {
    return false;
  }
}

/** '2026-12-10' → "10 декабря 2026 г." (a calendar date: no time zone involved). */
export function longDate(isoDate: string): string {
  const { year, month, day } = calendarDate(isoDate);
  return `${day} ${MONTHS_GENITIVE[month - 1]} ${year} г.`;
}

/** '1990-03-07' → "07.03.1990", as dates of birth and passport issue are usually written. */
export function shortDate(isoDate: string): string {
  const { year, month, day } = calendarDate(isoDate);
  return `${pad(day)}.${pad(month)}.${year}`;
}

/** The school works in Moscow time; contract dates and signing times are given in it. */
export const SCHOOL_TIME_ZONE = 'Europe/Moscow';

const moscowParts = new Intl.DateTimeFormat('en-GB', {
  timeZone: SCHOOL_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export interface ZonedTime {
  /** 'YYYY-MM-DD' in Moscow. */
  date: string;
  /** 'HH:MM:SS' in Moscow. */
  time: string;
  /** '+03:00': the offset from UTC at that instant. */
  offset: string;
}

/** An instant as Moscow wall-clock time, with the offset in force then (tz data, not a constant). */
export function moscowTime(instant: Date): ZonedTime {
  if (Number.isNaN(instant.getTime())) throw new RangeError('invalid date');
  const parts = Object.fromEntries(moscowParts.formatToParts(instant).map((p) => [p.type, p.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
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
  const offset = `${sign}${pad(Math.floor(Math.abs(minutes) / 60))}:${pad(Math.abs(minutes) % 60)}`;
  return { date, time, offset };
}

/** "23.11.2026 14:05:09 (московское время, UTC+03:00)". */
export function moscowDateTime(instant: Date): string {
  const { date, time, offset } = moscowTime(instant);
  return `${shortDate(date)} ${time} (московское время, UTC${offset})`;
}

/**
 * The contract number: the application id without hyphens, first 8 characters, upper case
 * (`3f2a9c1b-…` → `3F2A9C1B`). Short enough to read over the phone; the full application id is
 * printed in the document too, since 8 hex digits are not unique forever.
 */
export function contractNumber(applicationId: string): string {
  const compact = applicationId.replace(/-/g, '');
  if (!/^[0-9A-Za-z]{8}/.test(compact)) throw new RangeError('applicationId must start with 8 letters or digits');
  return compact.slice(0, 8).toUpperCase();
}

/** "Иванов Иван Иванович" → "И. И. Иванов", as names are written beside a signature. */
export function initialsName(fullName: string): string {
  const [surname, ...given] = fullName.trim().split(/\s+/);
  if (!given.length) return surname ?? '';
  return `${given.map((name) => `${name.slice(0, 1)}.`).join(NBSP)}${NBSP}${surname}`;
}

function pad(value: number): string {
  return value.toString().padStart(2, '0');
}

/** An audit event as the signing sheet lists it. */
export interface AuditEventLine {
  action: string;
  actor: string;
  details?: Record<string, unknown>;
}

type Details = Record<string, unknown>;

/**
 * What each audit action (AuditService.record) means, in Russian, for the signing sheet.
 * Details give only what may be printed: a document kind, tries left, an address masked again.
 */
const AUDIT_ACTIONS: Record<string, (details: Details) => string> = {
  'application.created': () => 'Заявка получена из CRM',
  'link.sent': (d) => sentTo('Ссылка на договор отправлена', d),
  'link.reminded': (d) => sentTo('Напоминание со ссылкой отправлено', d),
  'link.opened': () => 'Ссылка из письма открыта',
  'client-data.submitted': () => 'Данные заполнены',
  'draft.generated': () => 'Проект договора сформирован',
  'document.viewed': (d) => (d.kind === 'signed' ? 'Подписанный договор просмотрен' : 'Проект просмотрен'),
  'document.downloaded': (d) => (d.kind === 'signed' ? 'Подписанный договор скачан' : 'Проект скачан'),
  'signing-code.sent': (d) => sentTo('Код отправлен', d),
  'signing-code.rejected': (d) =>
    Number.isSafeInteger(d.attemptsLeft)
      ? `Неверный код (осталось попыток: ${d.attemptsLeft as number})`
      : 'Неверный код',
  'signing.locked': () => 'Подписание приостановлено: исчерпаны коды и попытки',
  'signing.unlocked': () => 'Подписание снова открыто',
  'contract.signed': () => 'Договор подписан',
  'contract.declined': () => 'Отказ от подписания',
  'contract.finalized': () => 'Подписанный договор сформирован',
};

function sentTo(what: string, details: Details): string {
  return typeof details.sentTo === 'string' ? `${what} на ${maskEmail(details.sentTo)}` : what;
}

/** "Проект просмотрен"; an action without a label prints as its code. Staff actions say so. */
export function auditEventText({ action, actor, details }: AuditEventLine): string {
  const label = Object.hasOwn(AUDIT_ACTIONS, action) ? AUDIT_ACTIONS[action](details ?? {}) : action;
  return actor.startsWith('staff:') ? `${label} (сотрудник Исполнителя)` : label;
}

/** "23.11.2026 15:41:03": Moscow wall-clock time, for tables whose header names the zone. */
export function moscowShortDateTime(instant: Date): string {
  const { date, time } = moscowTime(instant);
  return `${shortDate(date)} ${time}`;
}
