import { backoffMs } from './backoff';

describe('backoffMs', () => {
  it('doubles the ceiling per attempt and keeps at least half of it', () => {
    expect(backoffMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffMs(3, 1000, 60_000, () => 0)).toBe(2000);
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(4000);
  });

  it('never exceeds the maximum', () => {
    expect(backoffMs(30, 1000, 30_000, () => 1)).toBe(30_000);
  });
});
