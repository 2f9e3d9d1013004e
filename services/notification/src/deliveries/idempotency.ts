import { createHash } from 'node:crypto';
import type { TaskContext } from '@otus/common';

/** One key per task: a redelivered task (lock expiry, crash before complete) has the same one. */
export function taskKey(task: Pick<TaskContext, 'processInstanceId' | 'activityInstanceId'>): string {
  return `task:${task.processInstanceId}:${task.activityInstanceId}`;
}

/** sha256 of the idempotency key, hex: stable, and tells nothing about the process. */
export function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export const MESSAGE_ID_DOMAIN = 'otus-contract';

/** The same Message-ID on every attempt, so a mail server or client that saw it once can drop a repeat. */
export function emailMessageId(hash: string): string {
  return `<${hash}@${MESSAGE_ID_DOMAIN}>`;
}
