import {
  auditEventText,
  contractNumber,
  initialsName,
  longDate,
  moscowDateTime,
  moscowTime,
  NBSP,
  rubles,
  shortDate,
} from './contract-format';

describe('contract formats', () => {
  it.each([
    [9_900_000, '99 000,00 ₽'],
    [8_910_000, '89 100,00 ₽'],
    [9_999, '99,99 ₽'],
    [1, '0,01 ₽'],
    [0, '0,00 ₽'],
    [2_147_483_647, '21 474 836,47 ₽'],
  ])('prints %d kopecks as «%s» with non-breaking spaces', (kopecks, shown) => {
    expect(rubles(kopecks)).toBe(shown.replace(/ /g, NBSP));
  });

  it('prints money as ru-RU does, without depending on it', () => {
    const intl = new Intl.NumberFormat('ru-RU', { style: 'currency', currency: 'RUB' });
    for (const kopecks of [0, 5, 99_00, 1_234_567_89, 9_900_000]) {
      expect(rubles(kopecks)).toBe(intl.format(kopecks / 100));
    }
  });

  it('refuses amounts that are not whole kopecks', () => {
    expect(() => rubles(1.5)).toThrow(RangeError);
    expect(() => rubles(-1)).toThrow(RangeError);
  });

  it('prints calendar dates without a time zone shift', () => {
    expect(longDate('2026-12-10')).toBe('10 декабря 2026 г.');
    expect(longDate('2027-01-01')).toBe('1 января 2027 г.');
    expect(shortDate('1992-03-07')).toBe('07.03.1992');
    expect(() => longDate('2026-02-30')).toThrow(RangeError);
    expect(() => shortDate('10.12.2026')).toThrow(RangeError);
  });

  it('gives instants in Moscow time with the offset in force', () => {
    expect(moscowTime(new Date('2026-11-23T21:30:00Z'))).toEqual({
      date: '2026-11-24',
      time: '00:30:00',
      offset: '+03:00',
    });
    expect(moscowDateTime(new Date('2026-11-23T12:41:03.999Z'))).toBe(
      '23.11.2026 15:41:03 (московское время, UTC+03:00)',
    );
    // Before 26 October 2014 Moscow kept UTC+4: the zone data decides, not a constant.
    expect(moscowTime(new Date('2013-06-01T12:00:00Z')).offset).toBe('+04:00');
  });

  it('numbers the contract by the first 8 characters of the application id', () => {
    expect(contractNumber('3f2a9c1b-5d7e-4a8b-9c0d-1e2f3a4b5c6d')).toBe('3F2A9C1B');
    expect(contractNumber('3f2a-9c1b-5d7e')).toBe('3F2A9C1B');
    expect(() => contractNumber('3f2a')).toThrow(RangeError);
    expect(() => contractNumber('ab/cdefgh')).toThrow(RangeError);
  });

  it('writes names beside a signature as initials and surname', () => {
    expect(initialsName('Иванова Екатерина Сергеевна')).toBe(`Е.${NBSP}С.${NBSP}Иванова`);
    expect(initialsName('Smith')).toBe('Smith');
  });

  it.each([
    ['link.sent', { sentTo: 'i***@example.org' }, 'Ссылка на договор отправлена на i***@example.org'],
    ['link.reminded', { sentTo: 'ivan@example.org' }, 'Напоминание со ссылкой отправлено на i***@example.org'],
    ['link.sent', {}, 'Ссылка на договор отправлена'],
    ['signing-code.sent', { sentTo: 'ivan@example.org' }, 'Код отправлен на i***@example.org'],
  ])('labels %s for the signing sheet, the address masked again', (action, details, text) => {
    expect(auditEventText({ action, actor: 'system', details })).toBe(text);
  });
});
