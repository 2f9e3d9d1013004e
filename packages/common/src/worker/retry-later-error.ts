/**
 * A task that cannot run yet, with a known moment when it can (another worker holds the same
 * message until its claim runs out): the runner counts a retry down as for any failure, but
 * comes back at that moment instead of after the exponential back-off, which could be minutes late.
 */
export class RetryLaterError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}
