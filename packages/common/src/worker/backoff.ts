/**
 * Exponential back-off with "equal jitter": half the delay is fixed, half random, so
 * replicas that failed together do not retry in lockstep. `attempt` starts at 1.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
