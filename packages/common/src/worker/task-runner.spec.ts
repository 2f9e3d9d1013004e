import { z } from 'zod';
import type { CamundaTask, CamundaTaskService, CamundaVariables } from './camunda-client';
import { TaskRunner } from './task-runner';

/** The camunda client's EngineError as the engine's 500 answer turns into one. */
function engineError(type: string, message: string): Error {
  return Object.assign(new Error(`Response code 500 (Internal Server Error); Error: ${message}; Type: ${type}`), {
    type,
    httpStatusCode: 500,
  });
}

const variables = (): CamundaVariables => {
  let values: Record<string, unknown> = {};
  const v: CamundaVariables = { getAll: () => values, setAll: (next) => ((values = next), v) };
  return v;
};

const task = { id: 't1', topicName: 'x.y', processInstanceId: 'p1', variables: variables() } as unknown as CamundaTask;
const handler = { input: z.unknown(), handle: async () => ({ done: true }) };

function taskService(completeFailures: Error[]): CamundaTaskService & { complete: jest.Mock } {
  const complete = jest.fn(async () => {
    const failure = completeFailures.shift();
    if (failure) throw failure;
  });
  return { complete, handleFailure: jest.fn(), handleBpmnError: jest.fn(), unlock: jest.fn() };
}

describe('TaskRunner completing a task', () => {
  const runner = new TaskRunner({ maxRetries: 3, retryBaseMs: 1000, retryMaxMs: 30_000 }, variables);

  it('completes again at once when a parallel branch compacted the execution tree (ENGINE-03077)', async () => {
    const service = taskService([
      engineError(
        'ProcessEngineException',
        "ENGINE-03077 Cannot resolve parent with id 'a' of execution 'b', perhaps it was deleted in the meantime",
      ),
    ]);
    await runner.run('x.y', handler, task, service);
    expect(service.complete).toHaveBeenCalledTimes(2);
  });

  it('completes again at once on optimistic locking', async () => {
    const service = taskService([engineError('OptimisticLockingException', 'ENGINE-03005 Execution … failed')]);
    await runner.run('x.y', handler, task, service);
    expect(service.complete).toHaveBeenCalledTimes(2);
  });

  it('leaves any other refusal to lock expiry and redelivery', async () => {
    const service = taskService([engineError('NotFoundException', 'External task with id t1 does not exist')]);
    await runner.run('x.y', handler, task, service);
    expect(service.complete).toHaveBeenCalledTimes(1);
  });
});
