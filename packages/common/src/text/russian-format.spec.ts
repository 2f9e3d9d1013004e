import { DEFAULT_TIME_ZONE, isTimeZone, timeZoneEnv } from '../config/time-zone';
import {
  clockTime,
  isCalendarDate,
  longDate,
  longDateTime,
  longDateTimeWithZone,
  NBSP,
  pluralRu,
  rubles,
  shortDate,
  shortDateTime,
  zonedTime,
  zoneName,
} from './russian-format';

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
const MOSCOW = DEFAULT_TIME_ZONE;

describe('russian format', () => {
  describe('rubles', () => {
    it.each([
      [9_900_000, '99 000,00 ₽'],
      [8_910_000, '89 100,00 ₽'],
      [100_000, '1 000,00 ₽'],
      [99_999, '999,99 ₽'],
      [9_999, '99,99 ₽'],
      [10, '0,10 ₽'],
      [1, '0,01 ₽'],
      [0, '0,00 ₽'],
      [2_147_483_647, '21 474 836,47 ₽'],
    ])('prints %d kopecks as «%s», every space non-breaking', (kopecks, shown) => {
      expect(rubles(kopecks)).toBe(shown.replace(/ /g, NBSP));
      expect(rubles(kopecks)).not.toContain(' ');
    });

    it('prints money as ru-RU does, without depending on it', () => {
      const intl = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' });
      for (const kopecks of [0, 5, 99_00, 1_234_567_89, 9_900_000, 2_147_483_647]) {
        expect(rubles(kopecks)).toBe(intl.format(kopecks / 100));
      }
    });

    it('refuses amounts that are not whole non-negative kopecks', () => {
      for (const bad of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
        expect(() => rubles(bad)).toThrow(RangeError);
      }
    });
  });

  describe('calendar dates', () => {
    it('prints them without a time zone shift', () => {
      expect(longDate('2026-12-10')).toBe('10 декабря 2026 г.');
      expect(longDate('2027-01-01')).toBe('1 января 2027 г.');
      expect(longDate('2027-03-01')).toBe('1 марта 2027 г.');
      expect(shortDate('1992-03-07')).toBe('07.03.1992');
    });

    it('prints them as ru-RU does', () => {
      const intl = new Intl.DateTimeFormat('ru-RU', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        timeZone: 'UTC',
      });
      for (const date of ['2026-01-31', '2026-05-09', '2026-12-10', '2028-02-29']) {
        expect(longDate(date)).toBe(plain(intl.format(new Date(`${date}T00:00:00Z`))));
      }
    });

    it('refuses what is not a calendar date', () => {
      expect(() => longDate('2026-02-30')).toThrow(RangeError);
      expect(() => shortDate('10.12.2026')).toThrow(RangeError);
      expect(isCalendarDate('2028-02-29')).toBe(true);
      expect(isCalendarDate('2026-02-29')).toBe(false);
      expect(isCalendarDate('2026-13-01')).toBe(false);
      expect(isCalendarDate(20261201)).toBe(false);
      expect(isCalendarDate(undefined)).toBe(false);
    });
  });

  describe('instants in the configured zone', () => {
    it('gives the date in the zone, not in UTC, around midnight UTC', () => {
      // 21:30 UTC is already the next day in Moscow; 00:30 UTC is still the previous day in New York.
      expect(zonedTime(new Date('2026-11-23T21:30:00Z'), MOSCOW)).toEqual({
        date: '2026-11-24',
        time: '00:30:00',
        offset: '+03:00',
      });
      expect(zonedTime(new Date('2026-11-23T20:59:59.999Z'), MOSCOW).date).toBe('2026-11-23');
      expect(zonedTime(new Date('2026-11-24T00:30:00Z'), 'America/New_York')).toEqual({
        date: '2026-11-23',
        time: '19:30:00',
        offset: '-05:00',
      });
      expect(zonedTime(new Date('2026-11-24T00:30:00Z'), 'UTC').offset).toBe('+00:00');
      expect(zonedTime(new Date('2026-11-24T00:30:00Z'), 'Asia/Kolkata').offset).toBe('+05:30');
    });

    it('takes the offset from the zone data, not a constant', () => {
      // Before 26 October 2014 Moscow kept UTC+4.
      expect(zonedTime(new Date('2013-06-01T12:00:00Z'), MOSCOW).offset).toBe('+04:00');
    });

    it('writes dates and times as the pages, the e-mails and the contract do', () => {
      const instant = new Date('2026-12-10T21:30:00Z');
      expect(longDateTime(instant, MOSCOW)).toBe('11 декабря 2026 г. в 00:30');
      expect(longDateTime(instant, 'UTC')).toBe('10 декабря 2026 г. в 21:30');
      expect(shortDateTime(new Date('2026-11-23T12:41:03.999Z'), MOSCOW)).toBe('23.11.2026 15:41:03');
      expect(clockTime(new Date('2026-11-26T16:18:05Z'), MOSCOW)).toBe('19:18:05');
      expect(plain(longDateTimeWithZone(instant, MOSCOW))).toBe('11 декабря 2026 г. в 00:30 (GMT+3)');
      expect(plain(longDateTimeWithZone(instant, 'UTC'))).toBe('10 декабря 2026 г. в 21:30 (UTC)');
      expect(zoneName(instant, 'Asia/Kolkata')).toBe('GMT+5:30');
    });

    it('writes them as ru-RU Intl does', () => {
      const intl = new Intl.DateTimeFormat('ru-RU', {
        day: 'numeric',
        month: 'long',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZone: MOSCOW,
      });
      for (const iso of ['2026-01-01T00:00:00Z', '2026-06-30T20:59:00Z', '2026-12-31T21:00:00Z']) {
        // Older ICU separated date and time with a comma; ours always says «в».
        expect(longDateTime(new Date(iso), MOSCOW)).toBe(plain(intl.format(new Date(iso))).replace(', ', ' в '));
      }
    });

    it('refuses an invalid instant', () => {
      expect(() => zonedTime(new Date(NaN), MOSCOW)).toThrow(RangeError);
    });
  });

  it('declines counted words', () => {
    expect(pluralRu(1, ['попытка', 'попытки', 'попыток'])).toBe('1 попытка');
    expect(pluralRu(3, ['попытка', 'попытки', 'попыток'])).toBe('3 попытки');
    expect(pluralRu(11, ['попытка', 'попытки', 'попыток'])).toBe('11 попыток');
    expect(pluralRu(21, ['секунду', 'секунды', 'секунд'])).toBe('21 секунду');
  });

  it('validates a time-zone variable, with the school’s zone as the default', () => {
    expect(timeZoneEnv.parse(undefined)).toBe(MOSCOW);
    expect(timeZoneEnv.parse('Asia/Yekaterinburg')).toBe('Asia/Yekaterinburg');
    expect(timeZoneEnv.safeParse('Mars/Olympus').success).toBe(false);
    expect(isTimeZone('UTC')).toBe(true);
  });
});
