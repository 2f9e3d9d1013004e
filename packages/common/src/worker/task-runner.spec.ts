import { Logger } from '@nestjs/common';
import { z } from 'zod';
import type { CamundaTask, CamundaTaskService, CamundaVariables } from './camunda-client';
import { DomainError } from '../errors/domain-error';
import { BpmnError } from './bpmn-error';
import { IncidentError } from './incident-error';
import { RetryLaterError } from './retry-later-error';
import type { TopicHandler } from './task-handler';
import { TaskRunner } from './task-runner';

const variables = (values: Record<string, unknown> = {}): CamundaVariables => ({
  getAll: () => values,
  setAll: (more) => variables({ ...values, ...more }),
});

const task = (retries: number | null = null): CamundaTask => ({
  id: 'task-1',
  topicName: 'test.topic',
  workerId: 'worker',
  processInstanceId: 'pi-1',
  activityId: 'Work',
  activityInstanceId: 'Work:1',
  retries,
  variables: variables(),
});

function taskService() {
  return {
    complete: jest.fn().mockResolvedValue(undefined),
    handleFailure: jest.fn().mockResolvedValue(undefined),
    handleBpmnError: jest.fn().mockResolvedValue(undefined),
    unlock: jest.fn().mockResolvedValue(undefined),
    extendLock: jest.fn().mockResolvedValue(undefined),
  } satisfies CamundaTaskService;
}

const failingWith = (error: Error): TopicHandler => ({
  input: z.object({}),
  handle: () => Promise.reject(error),
});

const runner = new TaskRunner({ maxRetries: 5, retryBaseMs: 1000, retryMaxMs: 60_000 }, () => variables());

beforeAll(() => Logger.overrideLogger(false));

/** `runner.run` on a fake clock moved on by `ms`: for back-off and lock timers without waiting for them. */
async function runOnFakeClock(sut: TaskRunner, handler: TopicHandler, service: CamundaTaskService, ms: number) {
  jest.useFakeTimers();
  const running = sut.run('test.topic', handler, task(), service);
  await jest.advanceTimersByTimeAsync(ms);
  await running;
}

describe('TaskRunner failures', () => {
  it('counts a technical failure down from the retry policy, with back-off', async () => {
    const service = taskService();
    await runner.run('test.topic', failingWith(new Error('SMTP down')), task(), service);
    expect(service.handleFailure).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ errorMessage: 'SMTP down', retries: 4, retryTimeout: expect.any(Number) }),
    );
    expect(service.handleFailure.mock.calls[0][1].retryTimeout).toBeGreaterThan(0);
  });

  it('comes back at the moment a RetryLaterError names, not after the back-off', async () => {
    const service = taskService();
    await runner.run('test.topic', failingWith(new RetryLaterError('held elsewhere', 42_000)), task(3), service);
    expect(service.handleFailure).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ errorMessage: 'held elsewhere', retries: 2, retryTimeout: 42_000 }),
    );
  });

  it('makes an IncidentError an incident at once: no retries left, no BPMN error', async () => {
    const service = taskService();
    await runner.run(
      'test.topic',
      failingWith(new IncidentError('crmWebhookUrl host x is not allowed')),
      task(),
      service,
    );
    expect(service.handleFailure).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ errorMessage: 'crmWebhookUrl host x is not allowed', retries: 0, retryTimeout: 0 }),
    );
    expect(service.handleBpmnError).not.toHaveBeenCalled();
    expect(service.complete).not.toHaveBeenCalled();
  });
});

describe('TaskRunner outcomes and refusals', () => {
  it('makes a BpmnError the modelled outcome, with its variables', async () => {
    const service = taskService();
    await runner.run(
      'test.topic',
      failingWith(new BpmnError('NO_SEATS', 'Course X has no free seats', { reason: 'full' })),
      task(),
      service,
    );
    expect(service.handleBpmnError).toHaveBeenCalledWith(
      expect.anything(),
      'NO_SEATS',
      'Course X has no free seats',
      expect.objectContaining({ getAll: expect.any(Function) }),
    );
    expect(service.handleBpmnError.mock.calls[0][3].getAll()).toEqual({ reason: 'full' });
    expect(service.handleFailure).not.toHaveBeenCalled();
  });

  it('makes a service’s refusal (4xx DomainError) an incident at once, not a BPMN error', async () => {
    const service = taskService();
    const refusal = new DomainError('SEAT_HOLD_RELEASED', 'The seat was released', { status: 409 });
    await runner.run('test.topic', failingWith(refusal), task(), service);
    expect(service.handleBpmnError).not.toHaveBeenCalled();
    expect(service.handleFailure).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ errorMessage: 'SEAT_HOLD_RELEASED: The seat was released', retries: 0 }),
    );
  });

  it('retries a service that is unavailable (5xx DomainError) like any technical failure', async () => {
    const service = taskService();
    const unavailable = new DomainError('ENGINE_UNAVAILABLE', 'The process engine is not reachable', { status: 503 });
    await runner.run('test.topic', failingWith(unavailable), task(), service);
    expect(service.handleBpmnError).not.toHaveBeenCalled();
    expect(service.handleFailure).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ errorMessage: 'ENGINE_UNAVAILABLE: The process engine is not reachable', retries: 4 }),
    );
  });
});

/** The camunda client's EngineError as the engine's 500 answer turns into one. */
function engineError(type: string, message: string): Error {
  return Object.assign(new Error(`Response code 500 (Internal Server Error); Error: ${message}; Type: ${type}`), {
    type,
    httpStatusCode: 500,
  });
}

/** A task service whose `complete` fails with these errors first, one per call. */
function completingService(failures: Error[]) {
  const service = taskService();
  service.complete.mockImplementation(async () => {
    const failure = failures.shift();
    if (failure) throw failure;
  });
  return service;
}

const succeeding: TopicHandler = { input: z.object({}), handle: async () => ({ done: true }) };

describe('TaskRunner completing a task', () => {
  it('completes again at once when a parallel branch compacted the execution tree (ENGINE-03077)', async () => {
    const service = completingService([
      engineError(
        'ProcessEngineException',
        "ENGINE-03077 Cannot resolve parent with id 'a' of execution 'b', perhaps it was deleted in the meantime",
      ),
    ]);
    await runner.run('test.topic', succeeding, task(), service);
    expect(service.complete).toHaveBeenCalledTimes(2);
  });

  it('completes again at once on optimistic locking', async () => {
    const service = completingService([engineError('OptimisticLockingException', 'ENGINE-03005 Execution … failed')]);
    await runner.run('test.topic', succeeding, task(), service);
    expect(service.complete).toHaveBeenCalledTimes(2);
  });

  it('leaves any other refusal to lock expiry and redelivery', async () => {
    const service = completingService([engineError('NotFoundException', 'External task with id t1 does not exist')]);
    await runner.run('test.topic', succeeding, task(), service);
    expect(service.complete).toHaveBeenCalledTimes(1);
  });
});

describe('TaskRunner ending a task with a BPMN error', () => {
  const noSeats = failingWith(new BpmnError('NO_SEATS', 'Course X has no free seats'));
  const deadlock = () =>
    engineError('ProcessEnginePersistenceException', 'An exception occurred in the persistence layer.');

  afterEach(() => jest.useRealTimers());

  it('throws it again when a parallel branch deadlocked with it', async () => {
    const service = taskService();
    service.handleBpmnError.mockRejectedValueOnce(deadlock()).mockResolvedValueOnce(undefined);
    await runner.run('test.topic', noSeats, task(), service);
    expect(service.handleBpmnError).toHaveBeenCalledTimes(2);
    expect(service.handleFailure).not.toHaveBeenCalled();
  });

  it('leaves the task to lock expiry, never an incident, when the conflicts outlast the retries', async () => {
    const service = taskService();
    service.handleBpmnError.mockImplementation(() => Promise.reject(deadlock()));
    await runOnFakeClock(runner, noSeats, service, 60_000);
    expect(service.handleBpmnError.mock.calls.length).toBeGreaterThan(4);
    expect(service.handleFailure).not.toHaveBeenCalled();
  });

  const failedPropagation = () =>
    engineError('ProcessEngineException', 'ENGINE-13033 Propagation of bpmn error NO_SEATS failed. ');

  it('throws it again when a parallel branch compacted the tree while it propagated (ENGINE-13033 once)', async () => {
    const service = taskService();
    service.handleBpmnError.mockRejectedValueOnce(failedPropagation()).mockResolvedValueOnce(undefined);
    await runner.run('test.topic', noSeats, task(), service);
    expect(service.handleBpmnError).toHaveBeenCalledTimes(2);
    expect(service.handleFailure).not.toHaveBeenCalled();
  });

  it('makes a code no boundary event catches an incident (ENGINE-13033 every time)', async () => {
    const service = taskService();
    service.handleBpmnError.mockImplementation(() => Promise.reject(failedPropagation()));
    await runOnFakeClock(runner, noSeats, service, 60_000);
    expect(service.handleBpmnError.mock.calls.length).toBeGreaterThan(4);
    expect(service.handleFailure).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({
        errorMessage: 'BPMN error NO_SEATS is not caught by the model: Course X has no free seats',
        retries: 0,
      }),
    );
  });
});

describe('TaskRunner keeping a short lock while a slow handler runs', () => {
  afterEach(() => jest.useRealTimers());

  const taking = (ms: number): TopicHandler => ({
    input: z.object({}),
    handle: () => new Promise((resolve) => setTimeout(() => resolve({}), ms)),
  });
  const locked = new TaskRunner({ maxRetries: 5, retryBaseMs: 1000, retryMaxMs: 60_000 }, () => variables(), 10_000);

  it('extends the lock every half lock until the handler ends, then completes', async () => {
    const service = taskService();
    await runOnFakeClock(locked, taking(23_000), service, 30_000);
    expect(service.extendLock.mock.calls.map(([, ms]) => ms)).toEqual([10_000, 10_000, 10_000, 10_000]);
    expect(service.complete).toHaveBeenCalledTimes(1);
  });

  it('extends nothing for a handler quicker than half the lock', async () => {
    const service = taskService();
    await runOnFakeClock(locked, taking(4_000), service, 30_000);
    expect(service.extendLock).not.toHaveBeenCalled();
  });

  it('stops extending after the engine refuses (the task is gone or another worker has it)', async () => {
    const service = taskService();
    service.extendLock.mockRejectedValue(Object.assign(new Error('lock lost'), { httpStatusCode: 400 }));
    await runOnFakeClock(locked, taking(23_000), service, 30_000);
    expect(service.extendLock).toHaveBeenCalledTimes(1);
  });
});
