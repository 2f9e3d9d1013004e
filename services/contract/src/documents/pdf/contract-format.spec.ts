import { NBSP } from '@otus/common';
import { auditEventText, contractNumber, clean, initialsName, numbersContract } from './contract-format';

describe('contract formats', () => {
  it('numbers the contract by the first 8 characters of the application id', () => {
    expect(contractNumber('3f2a9c1b-5d7e-4a8b-9c0d-1e2f3a4b5c6d')).toBe('3F2A9C1B');
    expect(contractNumber('3f2a-9c1b-5d7e')).toBe('3F2A9C1B');
    expect(() => contractNumber('3f2a')).toThrow(RangeError);
    expect(() => contractNumber('ab/cdefgh')).toThrow(RangeError);
    expect(numbersContract('3f2a-9c1b')).toBe(true);
    expect(numbersContract('3f2a')).toBe(false);
  });

  it('prints single-line text without control characters', () => {
    expect(clean(' Иванова\tЕкатерина\r\n ')).toBe('Иванова Екатерина');
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
