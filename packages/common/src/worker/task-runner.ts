import { Logger } from '@nestjs/common';
import { ZodError } from 'zod';
import { ENGINE_CONFLICT_RETRY, isEngineConflict } from '../engine/engine-conflict';
import { DomainError } from '../errors/domain-error';
import { BPMN_ERRORS } from '../process/contract-process';
import { backoffDelayMs, retrying } from '../retry/retry-policy';
import { BpmnError } from './bpmn-error';
import { IncidentError } from './incident-error';
import { RetryLaterError } from './retry-later-error';
import type { CamundaTask, CamundaTaskService, CamundaVariables } from './camunda-client';
import type { TaskContext, TopicHandler } from './task-handler';
import { workerMetrics } from './worker.metrics';

export const INVALID_VARIABLES = BPMN_ERRORS.invalidVariables;

export interface RetryPolicy {
  maxRetries: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/** "courseCode: expected string, received undefined; …" — names every bad variable. */
export function describeInvalidVariables(error: ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(variables)'}: ${i.message}`).join('; ');
}

/**
 * The only code that talks to the task service. A BpmnError (a modelled outcome) becomes a BPMN
 * error, bad input INVALID_VARIABLES; an IncidentError, or a service's refusal (a 4xx
 * DomainError: retrying cannot change the answer), an incident at once; a RetryLaterError a
 * retry at the moment it names; anything else (a 5xx DomainError too) a failure with retries
 * counted down and exponential back-off, ending as an incident when none are left.
 */
export class TaskRunner {
  private readonly logger = new Logger(TaskRunner.name);

  constructor(
    private readonly policy: RetryPolicy,
    private readonly newVariables: () => CamundaVariables,
    /** The lock each task is fetched with; the runner extends it while a handler runs. */
    private readonly lockDurationMs?: number,
  ) {}

  async run(topic: string, handler: TopicHandler, task: CamundaTask, taskService: CamundaTaskService) {
    workerMetrics.fetched.inc({ topic });
    const context = toContext(task);
    const log = { topic, taskId: task.id, businessKey: task.businessKey, processInstanceId: task.processInstanceId };
    const stopTimer = workerMetrics.duration.startTimer({ topic });
    let output: Record<string, unknown>;
    try {
      output = await this.keepingLock(task, taskService, log, () =>
        handler.handle(handler.input.parse(task.variables.getAll()), context),
      );
    } catch (e) {
      await this.reportError(topic, { ...this.policy, ...handler.retryPolicy }, task, taskService, e, stopTimer, log);
      return;
    }
    stopTimer({ result: 'completed' });
    try {
      await retryOnConflict(() => taskService.complete(task, this.newVariables().setAll(output)));
      workerMetrics.completed.inc({ topic });
    } catch (e) {
      // The effect happened; if the lock was lost the task comes back and the idempotent handler repeats nothing.
      this.logger.warn({ ...log, err: errorMessage(e) }, 'could not complete task; it will be redelivered');
    }
  }

  /**
   * Runs `work` (the handler), extending the task's lock every half lock until it ends. So the lock
   * can be short: a task whose worker died comes back after it, not after the slowest handler's
   * worst case. Stops at the first refusal (the task is gone, or another worker has it).
   */
  private async keepingLock<T>(
    task: CamundaTask,
    taskService: CamundaTaskService,
    log: Record<string, unknown>,
    work: () => Promise<T>,
  ): Promise<T> {
    const lockMs = this.lockDurationMs;
    if (!lockMs) return work();
    const timer = setInterval(() => {
      taskService.extendLock(task, lockMs).catch((e: unknown) => {
        clearInterval(timer);
        this.logger.warn({ ...log, err: errorMessage(e) }, 'could not extend the lock of a running task');
      });
    }, lockMs / 2);
    timer.unref();
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async reportError(
    topic: string,
    policy: RetryPolicy,
    task: CamundaTask,
    taskService: CamundaTaskService,
    error: unknown,
    stopTimer: (labels: { result: string }) => void,
    log: Record<string, unknown>,
  ) {
    try {
      if (error instanceof BpmnError || error instanceof ZodError) {
        stopTimer({ result: 'bpmn_error' });
        await this.throwBpmnError(topic, policy, task, taskService, error, log);
        return;
      }
      stopTimer({ result: 'failure' });
      await this.reportFailure(
        topic,
        policy,
        task,
        taskService,
        error,
        log,
        error instanceof IncidentError || isRefusal(error) ? 0 : undefined,
      );
    } catch (e) {
      this.logger.warn(
        { ...log, err: errorMessage(e) },
        'could not report task error; it will come back after lock expiry',
      );
    }
  }

  private async throwBpmnError(
    topic: string,
    policy: RetryPolicy,
    task: CamundaTask,
    taskService: CamundaTaskService,
    error: BpmnError | ZodError,
    log: Record<string, unknown>,
  ) {
    const code = error instanceof BpmnError ? error.code : INVALID_VARIABLES;
    const message = error instanceof ZodError ? describeInvalidVariables(error) : error.message;
    const variables =
      error instanceof BpmnError && error.variables ? this.newVariables().setAll(error.variables) : undefined;
    this.logger.log({ ...log, code, reason: message }, 'task ended with a BPMN error');
    try {
      // ENGINE-13033 is retried too: the engine wraps in it both a code no boundary event catches and a
      // parallel branch that compacted the execution tree while the error looked for its boundary event.
      await retryOnConflict(() => taskService.handleBpmnError(task, code, message, variables), isFailedPropagation);
      workerMetrics.bpmnErrors.inc({ topic, code });
    } catch (e) {
      // Still refused after the retries: no boundary event catches the code (enableExceptionsAfterUnhandledBpmnError);
      // without an incident the task would stay locked and silently come back forever. Any other refusal (a
      // conflict that outlasted the retries) leaves the task to lock expiry.
      if (!isFailedPropagation(e)) throw e;
      const uncaught = new Error(`BPMN error ${code} is not caught by the model: ${message}`);
      await this.reportFailure(topic, policy, task, taskService, uncaught, log, 0);
    }
  }

  private async reportFailure(
    topic: string,
    policy: RetryPolicy,
    task: CamundaTask,
    taskService: CamundaTaskService,
    error: unknown,
    log: Record<string, unknown>,
    retriesLeft?: number,
  ) {
    const retries = retriesLeft ?? Math.max((task.retries ?? policy.maxRetries) - 1, 0);
    const attempt = policy.maxRetries - retries;
    const retryTimeout =
      retries === 0
        ? 0
        : error instanceof RetryLaterError
          ? Math.max(0, Math.round(error.retryAfterMs))
          : backoffDelayMs({ baseMs: policy.retryBaseMs, maxMs: policy.retryMaxMs }, attempt);
    const err =
      error instanceof DomainError
        ? Object.assign(new Error(`${error.code}: ${error.message}`), { stack: error.stack })
        : error instanceof Error
          ? error
          : new Error(String(error));
    this.logger.error({ ...log, err, retriesLeft: retries, retryInMs: retryTimeout }, 'task failed');
    await retryOnConflict(() =>
      taskService.handleFailure(task, {
        errorMessage: err.message.slice(0, 600),
        errorDetails: err.stack,
        retries,
        retryTimeout,
      }),
    );
    workerMetrics.failures.inc({ topic, incident: String(retries === 0) });
  }
}

/** A service said no (a 4xx DomainError): the same task would get the same answer. */
function isRefusal(error: unknown): boolean {
  return error instanceof DomainError && Number(error.status) < 500;
}

function toContext(task: CamundaTask): TaskContext {
  const { id, topicName, processInstanceId, activityInstanceId, businessKey, retries } = task;
  return { id, topicName, processInstanceId, activityInstanceId, businessKey, retries };
}

function retryOnConflict(call: () => Promise<void>, alsoRetry: (e: unknown) => boolean = () => false): Promise<void> {
  return retrying(call, {
    ...ENGINE_CONFLICT_RETRY,
    retryIf: (e) => isEngineConflict(e) || alsoRetry(e),
  });
}

/**
 * ENGINE-13033 "Propagation of bpmn error … failed", whose cause (not in the REST answer) is either
 * ENGINE-02042, no boundary event catches the code, or ENGINE-03077, a conflict with a parallel branch.
 */
function isFailedPropagation(e: unknown): boolean {
  const { httpStatusCode, message = '' } = (e ?? {}) as { httpStatusCode?: number; message?: string };
  return httpStatusCode === 500 && /\bENGINE-13033\b/.test(message);
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
