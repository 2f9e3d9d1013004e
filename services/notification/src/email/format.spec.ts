import { rubles, russianDate, russianDateTime } from './format';

const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('e-mail formats', () => {
  it.each([
    [9_900_000, '99 000,00 ₽'],
    [9_999, '99,99 ₽'],
    [1, '0,01 ₽'],
    [0, '0,00 ₽'],
    [2_147_483_647, '21 474 836,47 ₽'],
  ])('shows %i kopecks as %s', (kopecks, shown) => {
    expect(plain(rubles(kopecks))).toBe(shown);
  });

  it('shows a calendar date in Russian, whatever the zone', () => {
    expect(plain(russianDate('2026-12-10'))).toBe('10 декабря 2026 г.');
    expect(plain(russianDate('2027-03-01'))).toBe('1 марта 2027 г.');
  });

  it('shows an instant in the given zone with its offset', () => {
    const instant = new Date('2026-12-10T21:30:00Z');
    expect(plain(russianDateTime(instant, 'Europe/Moscow'))).toBe('11 декабря 2026 г. в 00:30 (GMT+3)');
    expect(plain(russianDateTime(instant, 'UTC'))).toBe('10 декабря 2026 г. в 21:30 (UTC)');
  });
});
