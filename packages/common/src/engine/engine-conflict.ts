import type { Backoff } from '../retry/retry-policy';

/**
 * The engine refused a change because another one of the same process instance got there first:
 * parallel branches ending at the same moment, a message meeting a task's completion. It rolled
 * its change back, and trying again at once usually succeeds. OptimisticLockingException
 * (ENGINE-03005), a PostgreSQL deadlock (a ProcessEnginePersistenceException), or ENGINE-03077
 * "Cannot resolve parent" (a plain ProcessEngineException) when the other branch ended and the
 * engine compacted the execution tree. `type` comes with the task client's errors; over REST only
 * the message does.
 */
export function isEngineConflict(e: unknown): boolean {
  const { type = '', message = '' } = (e ?? {}) as { type?: string; message?: string };
  return (
    /OptimisticLocking|ProcessEnginePersistence/.test(type) ||
    /\bENGINE-030(05|77)\b|OptimisticLockingException|deadlock detected/.test(message)
  );
}

/**
 * How to try again a change the engine rolled back for a conflict. PostgreSQL takes deadlock_timeout
 * (1 s) to break a deadlock, and under load the same branches, or several requests for one
 * instance, meet again: enough attempts to outlast a burst (at most ~7 s), full jitter to spread it.
 */
export const ENGINE_CONFLICT_RETRY: { attempts: number; backoff: Backoff } = {
  attempts: 8,
  backoff: { baseMs: 100, maxMs: 2_000, jitter: 'full' },
};
