import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable, type INestApplication, Module } from '@nestjs/common';
import {
  baseEnv,
  engineAccountPassword,
  configModule,
  loggerModule,
  ServiceInfoModule,
  TaskHandler,
  type TopicHandler,
  WorkerModule,
  MESSAGES,
} from '@otus/common';
import { createTestApp, EngineApi, REPO_ROOT, stackEnv } from '@otus/testing';
import { z } from 'zod';
import { pool, sleep } from './stats';

/**
 * The limit of this design on this machine: the same engine runs a model of the same shape
 * (contract-conclusion with its topics renamed), served by workers that do nothing, with the
 * same client library and settings, one worker per service as in the real system.
 */
export const NOOP_PROCESS = 'bench-noop-contract';
const PREFIX = 'bench-noop.';

/** The real model with another process id and every topic prefixed. */
export function noopModel(): string {
  return readFileSync(join(REPO_ROOT, 'bpmn/contract-conclusion.bpmn'), 'utf8')
    .replace('id="contract-conclusion"', `id="${NOOP_PROCESS}"`)
    .replace(/camunda:topic="([^"]+)"/g, (_, topic: string) => `camunda:topic="${PREFIX}${topic}"`);
}

/** What a topic must answer for the model's gateways to take the main path. */
const OUTPUT: Record<string, Record<string, unknown>> = {
  'course.check-availability': { courseAvailable: true, rejectReason: null },
  'course.hold-seat': { seatHoldId: 'noop' },
};

function noopHandler(topic: string) {
  @Injectable()
  @TaskHandler(`${PREFIX}${topic}`)
  class NoopHandler implements TopicHandler<unknown> {
    readonly input = z.unknown();
    async handle() {
      return OUTPUT[topic] ?? {};
    }
  }
  return NoopHandler;
}

/** One worker app per service, each with that service's topics, like the real deployment. */
export async function startNoopWorkers(): Promise<INestApplication[]> {
  const topics = [...new Set([...noopModel().matchAll(/camunda:topic="bench-noop\.([^"]+)"/g)].map((m) => m[1]))];
  const services = [...new Set(topics.map((t) => t.split('.')[0]))];
  return Promise.all(
    services.map((service) => {
      @Module({
        imports: [
          // The service's own engine account (a worker authenticates as <service>Service).
          configModule(baseEnv.extend({ [`${service.toUpperCase()}_ENGINE_PASSWORD`]: engineAccountPassword })),
          ServiceInfoModule.forRoot(service),
          loggerModule(`noop-${service}`),
          WorkerModule,
        ],
        providers: topics.filter((t) => t.startsWith(`${service}.`)).map(noopHandler),
      })
      class NoopServiceModule {}
      return createTestApp(NoopServiceModule);
    }),
  );
}

/** The engine's answers to two transactions changing one instance at once; the loser may simply retry. */
const ENGINE_CONFLICT = /OptimisticLocking|ProcessEnginePersistence|ENGINE-03077/;

/**
 * N instances through the no-op model. The client's two messages are sent when a real client
 * could send them: data once the link e-mail task is done (the client clicks the link in it),
 * the signature once the process waits for it. A message that meets a concurrent change of the
 * same instance (optimistic locking, or ENGINE-03077 when the other one
 * reorganised the execution tree) is sent again at once, as the engine's limit is measured here.
 */
export async function runNoop(count: number, concurrency: number): Promise<{ seconds: number; completed: number }> {
  const engine = new EngineApi(stackEnv().CAMUNDA_REST_URL);
  await engine.deploy(NOOP_PROCESS, { [`${NOOP_PROCESS}.bpmn`]: noopModel() });
  // Polled every 50 ms: faster polling of ten instances at once loads the engine being measured.
  const until = async (probe: () => Promise<boolean>) => {
    while (!(await probe())) await sleep(50);
  };
  const waitingAt = (id: string, activityId: string) => async () =>
    (
      await engine.request<{ count: number }>(
        'GET',
        `/execution/count?processInstanceId=${id}&activityId=${activityId}`,
      )
    ).count > 0;
  const finished = (id: string, activityId: string) => async () =>
    (
      await engine.request<{ count: number }>(
        'GET',
        `/history/activity-instance/count?processInstanceId=${id}&activityId=${activityId}&finished=true`,
      )
    ).count > 0;
  const correlate = async (messageName: string, businessKey: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await engine.request('POST', '/message', { messageName, businessKey });
      } catch (e) {
        if (attempt >= 10 || !ENGINE_CONFLICT.test(String(e))) throw e;
        await sleep(20 * attempt);
      }
    }
  };
  const started = Date.now();
  const ends = await pool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async (i) => {
      const businessKey = `noop-${started}-${i}`;
      const { id } = await engine.start(NOOP_PROCESS, businessKey, {
        applicationId: businessKey,
        linkTtl: 'PT1H',
        signTtl: 'PT1H',
        linkReminderAfter: 'PT30M',
      });
      await until(finished(id, 'Task_EmailLink'));
      await until(waitingAt(id, 'Task_WaitClientData'));
      await correlate(MESSAGES.clientDataSubmitted, businessKey);
      await until(waitingAt(id, 'Task_WaitSignature'));
      await correlate(MESSAGES.contractSigned, businessKey);
      await until(async () => (await engine.historicInstance(id)).state === 'COMPLETED');
      return true;
    },
  );
  return { seconds: (Date.now() - started) / 1000, completed: ends.filter(Boolean).length };
}
