import { maskEmail, maskName } from './masking';

describe('masking', () => {
  it('keeps the first letter and the domain of an e-mail', () => {
    expect(maskEmail('ivan.petrov@example.org')).toBe('i***@example.org');
    expect(maskEmail('not-an-address')).toBe('n***');
  });

  it('turns a full name into a masked surname and initials', () => {
    expect(maskName('Петров Иван Сергеевич')).toBe('П***** И. С.');
    expect(maskName('  Ли  Анна ')).toBe('Л* А.');
    expect(maskName('Я')).toBe('Я*');
    expect(maskName('')).toBe('***');
  });
});
