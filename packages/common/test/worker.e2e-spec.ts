import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket, connect } from 'node:net';
import { Injectable, type INestApplication, Module } from '@nestjs/common';
import { register } from 'prom-client';
import { z } from 'zod';
import {
  baseEnv,
  BpmnError,
  configModule,
  DomainError,
  engineAccountPassword,
  loggerModule,
  ServiceInfoModule,
  TaskHandler,
  type TopicHandler,
  WorkerModule,
} from '../src';
import { createTestApp, EngineApi, oneTaskProcess, stackEnv, waitFor } from '@otus/testing';

/**
 * The worker plumbing against the real engine of the local stack: a small process with one
 * external task, handled by an in-process worker whose handler behaves as each test asks.
 */
const TOPIC = 'test.worker-plumbing';
const PROCESS = 'worker-plumbing-test';
const BPMN = oneTaskProcess({
  key: PROCESS,
  topic: TOPIC,
  caught: { TEST_REJECTED: 'Rejected', INVALID_VARIABLES: 'Invalid' },
});

const attempts = new Map<string, number>();

@Injectable()
@TaskHandler(TOPIC)
class ScriptedHandler implements TopicHandler<{ key: string; mode: string; value: string }> {
  readonly input = z.object({
    key: z.string(),
    mode: z.enum(['ok', 'reject', 'refuse', 'uncaught', 'fail', 'slow']),
    value: z.string(),
  });

  async handle({ key, mode, value }: { key: string; mode: string; value: string }) {
    attempts.set(key, (attempts.get(key) ?? 0) + 1);
    if (mode === 'reject') throw new BpmnError('TEST_REJECTED', `rejected ${value}`);
    // A service's refusal, even with a code the model happens to catch, is not a modelled outcome.
    if (mode === 'refuse') throw new DomainError('TEST_REJECTED', `refused ${value}`, { status: 409 });
    if (mode === 'uncaught') throw new BpmnError('NOT_IN_THE_MODEL', `unexpected ${value}`);
    if (mode === 'fail') throw new Error(`boom ${value}`);
    if (mode === 'slow') await new Promise((r) => setTimeout(r, 1_500));
    return { echoed: value.toUpperCase() };
  }
}

/** A fresh module per app: ConfigModule validates the environment when the module is declared. */
function workerTestModule() {
  @Module({
    imports: [
      configModule(baseEnv.extend({ COURSE_ENGINE_PASSWORD: engineAccountPassword })),
      // The engine knows the five services' accounts only: this worker logs in as the course service's.
      ServiceInfoModule.forRoot('course'),
      loggerModule('worker-test'),
      WorkerModule,
    ],
    providers: [ScriptedHandler],
  })
  class WorkerTestModule {}
  return WorkerTestModule;
}

const env = stackEnv();
const engine = new EngineApi(env.CAMUNDA_REST_URL);

async function startWorker(restUrl = env.CAMUNDA_REST_URL): Promise<INestApplication> {
  Object.assign(process.env, {
    CAMUNDA_REST_URL: restUrl,
    LOG_LEVEL: 'warn',
    WORKER_MAX_RETRIES: '2',
    WORKER_RETRY_BASE_MS: '200',
    WORKER_LONG_POLL_MS: '1000',
    WORKER_LOCK_DURATION_MS: '10000',
  });
  return createTestApp(workerTestModule());
}

async function run(mode: string, variables: Record<string, unknown> = { value: 'hello' }) {
  const key = randomUUID();
  const instance = await engine.start(PROCESS, key, { key, mode, ...variables });
  return { key, id: instance.id };
}

const endEvent = async (id: string) =>
  waitFor(`process ${id} to end`, async () => {
    const ended = (await engine.activities(id)).find((a) => a.activityType === 'noneEndEvent' && a.endTime);
    return ended?.activityId;
  });

async function pollErrors(): Promise<number> {
  const metric = await register.getSingleMetric('worker_poll_errors_total')?.get();
  return metric?.values[0]?.value ?? 0;
}

beforeAll(() => engine.deploy('worker-plumbing-test', { 'worker-plumbing-test.bpmn': BPMN }));

describe('worker against the real engine', () => {
  let app: INestApplication;
  beforeAll(async () => (app = await startWorker()));
  afterAll(() => app.close());

  it('completes the task with the handler output', async () => {
    const { id } = await run('ok');
    expect(await endEvent(id)).toBe('Done');
    expect(await engine.variables(id)).toMatchObject({ echoed: 'HELLO' });
  });

  it('turns a BpmnError into the BPMN error caught by the model', async () => {
    const { id } = await run('reject');
    expect(await endEvent(id)).toBe('Rejected');
    expect(await engine.variables(id)).toMatchObject({ errorMessage: 'rejected hello' });
  });

  it('makes a service’s refusal (a DomainError) an incident at once, never a BPMN error', async () => {
    const { key, id } = await run('refuse');
    const [incident] = await waitFor('an incident', async () => {
      const incidents = await engine.incidents(id);
      return incidents.length > 0 && incidents;
    });
    expect(incident).toMatchObject({ activityId: 'Work', incidentMessage: 'TEST_REJECTED: refused hello' });
    expect(attempts.get(key)).toBe(1);
    expect((await engine.activities(id)).some((a) => a.activityId === 'Rejected')).toBe(false);
    await engine.request('DELETE', `/process-instance/${id}`);
  });

  it('turns missing or mistyped variables into INVALID_VARIABLES naming the variable', async () => {
    const { id } = await run('ok', { value: 42 });
    expect(await endEvent(id)).toBe('Invalid');
    const { errorMessage } = await engine.variables(id);
    expect(errorMessage).toMatch(/^value: /);
  });

  it('reports technical failures with retries counted down, then raises an incident', async () => {
    const { key, id } = await run('fail');
    const [incident] = await waitFor('an incident', async () => {
      const incidents = await engine.incidents(id);
      return incidents.length > 0 && incidents;
    });
    expect(incident).toMatchObject({
      incidentType: 'failedExternalTask',
      activityId: 'Work',
      incidentMessage: 'boom hello',
    });
    expect(attempts.get(key)).toBe(2);
    const [task] = await engine.externalTasks(id);
    expect(task.retries).toBe(0);
    await engine.request('DELETE', `/process-instance/${id}`);
  });

  it('raises an incident for a BPMN error the model does not catch, instead of leaving the task locked', async () => {
    const { key, id } = await run('uncaught');
    const [incident] = await waitFor('an incident', async () => {
      const incidents = await engine.incidents(id);
      return incidents.length > 0 && incidents;
    });
    expect(incident.incidentMessage).toBe('BPMN error NOT_IN_THE_MODEL is not caught by the model: unexpected hello');
    expect(attempts.get(key)).toBe(1);
    await engine.request('DELETE', `/process-instance/${id}`);
  });

  it('finishes a task in flight before shutting down', async () => {
    const second = await startWorker();
    // close() ends the worker's open long poll at the engine: `second` is the only one left to take the task.
    await app.close();
    const { key, id } = await run('slow');
    await waitFor('the handler to start', () => attempts.get(key) === 1);
    await second.close();
    expect(await endEvent(id)).toBe('Done');
    app = await startWorker();
  });
});

describe('worker while the engine is unreachable', () => {
  // A TCP relay in front of the real engine stands in for its network: closing it is an outage.
  let relay: Server;
  const sockets = new Set<Socket>();
  const openRelay = (port: number) =>
    new Promise<void>((resolve) => {
      const target = new URL(env.CAMUNDA_REST_URL);
      relay = createServer((client) => {
        const upstream = connect(Number(target.port), target.hostname);
        sockets.add(client).add(upstream);
        client.pipe(upstream).pipe(client);
        const drop = () => [client, upstream].forEach((s) => s.destroy());
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
      });
      relay.listen(port, '127.0.0.1', () => resolve());
    });
  const closeRelay = () =>
    new Promise<void>((resolve) => {
      relay.close(() => resolve());
      sockets.forEach((s) => s.destroy());
      sockets.clear();
    });

  it('backs off instead of retrying every interval, and resumes when the engine is back', async () => {
    await openRelay(0);
    const port = (relay.address() as { port: number }).port;
    const app = await startWorker(`http://127.0.0.1:${port}/engine-rest`);
    try {
      await closeRelay();
      const before = await pollErrors();
      await new Promise((r) => setTimeout(r, 4_000));
      const errors = (await pollErrors()) - before;
      // Back-off doubles from ~1 s; polling every 20 ms would have failed ~200 times.
      expect(errors).toBeGreaterThanOrEqual(1);
      expect(errors).toBeLessThanOrEqual(5);

      await openRelay(port);
      const { id } = await run('ok');
      expect(await endEvent(id)).toBe('Done');
    } finally {
      await app.close();
      await closeRelay();
    }
  });
});
