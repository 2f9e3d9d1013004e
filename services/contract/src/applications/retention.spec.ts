import { retainUntil } from './retention';

const periods = { withoutContract: 'P30D', concluded: 'P5Y' };
const ended = new Date('2026-02-28T10:00:00Z');

describe('retainUntil', () => {
  it('keeps a concluded contract for the legal period, on the calendar', () => {
    expect(retainUntil({ outcome: 'CONCLUDED', endedAt: ended }, periods)).toEqual(new Date('2031-02-28T10:00:00Z'));
  });

  it.each(['DECLINED', 'REJECTED', 'LINK_EXPIRED', 'CANCELLED', 'FAILED'])(
    'keeps %s (no contract) for the short period',
    (outcome) => {
      expect(retainUntil({ outcome, endedAt: ended }, periods)).toEqual(new Date('2026-03-30T10:00:00Z'));
    },
  );

  it('has no end while the application runs', () => {
    expect(retainUntil({ outcome: null, endedAt: null }, periods)).toBeNull();
    expect(retainUntil({ outcome: null, endedAt: null, updatedAt: ended }, periods)).toBeNull();
  });

  it('counts from the last change of an application that ended before endedAt was kept', () => {
    expect(retainUntil({ outcome: 'DECLINED', endedAt: null, updatedAt: ended }, periods)).toEqual(
      new Date('2026-03-30T10:00:00Z'),
    );
  });
});
