import {
  ExponentialBackoff,
  fullJitterGenerator,
  halfJitterGenerator,
  handleWhen,
  noJitterGenerator,
  retry,
  type IBackoff,
} from 'cockatiel';

/**
 * The one retry policy of the services: exponential back-off from `baseMs`, doubling, capped
 * at `maxMs`, with jitter so replicas that failed together do not retry in lockstep.
 *
 * - `half` ("equal jitter", the default): half the delay fixed, half random — never retries
 *   almost at once, which matters when the delay is a promise to wait (the engine's retry timeout).
 * - `full`: anywhere between 0 and the delay — spreads a burst of conflicts best.
 * - `none`: for tests and for delays someone reads.
 */
export interface Backoff {
  baseMs: number;
  maxMs: number;
  jitter?: 'half' | 'full' | 'none';
}

const generators = { half: halfJitterGenerator, full: fullJitterGenerator, none: noJitterGenerator } as const;

function exponential({ baseMs, maxMs, jitter = 'half' }: Backoff): ExponentialBackoff<number> {
  return new ExponentialBackoff({ initialDelay: baseMs, maxDelay: maxMs, generator: generators[jitter] });
}

/**
 * How long to wait after the `failures`-th failure (1 = the first), for retries someone else
 * schedules: the engine's retry timeout of a failed task, the worker's pause when the engine is away.
 */
export function backoffDelayMs(backoff: Backoff, failures: number): number {
  let step: IBackoff<unknown> = exponential(backoff).next();
  for (let n = 1; n < failures; n++) step = step.next(undefined);
  return step.duration;
}

export interface RetryOptions {
  /** Tries in all, the first included. */
  attempts: number;
  backoff: Backoff;
  /** Whether this error is worth another try; anything else is thrown at once. */
  retryIf: (error: unknown) => boolean;
}

/**
 * Calls `call` until it succeeds, an error is not retryable, or `attempts` tries are spent;
 * throws the last error. For retries within one request or task (webhook attempts, an engine
 * conflict): anything that must survive a restart is retried from stored state instead.
 */
/** `attempt` counts from 1. */
export async function retrying<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const policy = retry(
    handleWhen((e) => options.retryIf(e)),
    { maxAttempts: Math.max(0, options.attempts - 1), backoff: exponential(options.backoff) },
  );
  return policy.execute(({ attempt }) => call(attempt + 1));
}
