import { backoffDelayMs, retrying } from './retry-policy';

describe('backoffDelayMs', () => {
  it('doubles per failure from the base and stops at the cap', () => {
    const none = { baseMs: 1000, maxMs: 30_000, jitter: 'none' } as const;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(none, n))).toEqual([
      1000, 2000, 4000, 8000, 16_000, 30_000, 30_000,
    ]);
  });

  it('with half jitter (the default) keeps between half and all of the delay', () => {
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelayMs({ baseMs: 1000, maxMs: 60_000 }, 3);
      expect(delay).toBeGreaterThanOrEqual(2000);
      expect(delay).toBeLessThanOrEqual(4000);
    }
  });

  it('with full jitter may wait anything up to the delay, so replicas spread out', () => {
    const delays = Array.from({ length: 200 }, () =>
      backoffDelayMs({ baseMs: 1000, maxMs: 60_000, jitter: 'full' }, 3),
    );
    expect(Math.max(...delays)).toBeLessThanOrEqual(4000);
    expect(Math.min(...delays)).toBeLessThan(2000);
  });
});

describe('retrying', () => {
  const quick = { baseMs: 1, maxMs: 2 };
  const transient = (e: unknown) => (e as Error).message === 'transient';

  it('tries again while the error is retryable and returns the first success', async () => {
    const seen: number[] = [];
    const result = await retrying(
      async (attempt) => {
        seen.push(attempt);
        if (attempt < 3) throw new Error('transient');
        return 'done';
      },
      { attempts: 5, backoff: quick, retryIf: transient },
    );
    expect(result).toBe('done');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('gives up after the given number of tries with the last error', async () => {
    let calls = 0;
    const failing = retrying(
      () => {
        calls++;
        return Promise.reject(new Error('transient'));
      },
      { attempts: 4, backoff: quick, retryIf: transient },
    );
    await expect(failing).rejects.toThrow('transient');
    expect(calls).toBe(4);
  });

  it('throws an error that is not retryable at once', async () => {
    let calls = 0;
    const failing = retrying(
      () => {
        calls++;
        return Promise.reject(new Error('permanent'));
      },
      { attempts: 4, backoff: quick, retryIf: transient },
    );
    await expect(failing).rejects.toThrow('permanent');
    expect(calls).toBe(1);
  });
});
