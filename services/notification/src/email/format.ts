/** Display formats of e-mails: money and dates as a Russian reader expects them. */

const money = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' });

/** 9 900 000 kopecks → "99 000,00 ₽" (non-breaking spaces, as ru-RU prints them). */
export function rubles(kopecks: number): string {
  // Integers up to 2³¹ divided by 100 stay far within a double's precision for two decimals.
  return money.format(kopecks / 100);
}

const calendarDate = new Intl.DateTimeFormat('ru-RU', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** '2026-12-10' → "10 декабря 2026 г." (a calendar date: no time zone shift). */
export function russianDate(isoDate: string): string {
  return calendarDate.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`));
}

const dateTimes = new Map<string, Intl.DateTimeFormat>();

/** An instant in the school's zone: "10 декабря 2026 г. в 15:00 (GMT+3)". */
export function russianDateTime(instant: Date, timeZone: string): string {
  let format = dateTimes.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('ru-RU', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone,
      timeZoneName: 'short',
    });
    dateTimes.set(timeZone, format);
  }
  const parts = format.formatToParts(instant);
  const zone = parts.find((p) => p.type === 'timeZoneName')?.value;
  const rest = parts
    .filter((p) => p.type !== 'timeZoneName')
    .map((p) => p.value)
    .join('')
    .trim();
  return zone ? `${rest} (${zone})` : rest;
}
