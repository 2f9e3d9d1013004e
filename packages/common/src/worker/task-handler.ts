import { DiscoveryService } from '@nestjs/core';
import type { ZodType } from 'zod';
import type { RetryPolicy } from './task-runner';

/** What a handler may know about the task it is running; it never sees the task service. */
export interface TaskContext {
  id: string;
  topicName: string;
  processInstanceId: string;
  activityInstanceId: string;
  businessKey?: string | null;
  /** null on the first delivery; counts down after each reported failure. */
  retries?: number | null;
}

export type ProcessVariables = Record<string, unknown>;

/**
 * One class per topic. The runner validates process variables with `input` before
 * `handle` runs, and completes the task with the variables `handle` returns.
 */
export interface TopicHandler<I = unknown, O extends ProcessVariables = ProcessVariables> {
  readonly input: ZodType<I>;
  /** Overrides the worker's retry policy for this topic, e.g. more patience with an SMTP outage. */
  readonly retryPolicy?: Partial<RetryPolicy>;
  handle(input: I, task: TaskContext): Promise<O>;
}

/** Marks a provider as the handler of one topic: `@TaskHandler('course.hold-seat')`. */
export const TaskHandler = DiscoveryService.createDecorator<string>();
