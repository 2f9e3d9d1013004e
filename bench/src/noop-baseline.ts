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
  type TaskContext,
  type TopicHandler,
  WorkerModule,
} from '@otus/common';
import { createTestApp, REPO_ROOT } from '@otus/testing';
import { z } from 'zod';

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

/**
 * What a topic must answer for the model's gateways and timers to take the main path: the
 * deadlines an hour away, no signing reminder (as the contract service writes "none").
 */
const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const OUTPUT: Record<string, () => Record<string, unknown>> = {
  'course.check-availability': () => ({ courseAvailable: true, rejectReason: null, linkDeadline: inAnHour() }),
  'course.hold-seat': () => ({ seatHoldId: 'noop', signDeadline: inAnHour() }),
  'contract.generate-draft': () => ({ signingReminderTimes: '9999-12-31T00:00:00.000Z', signingRemindersSent: 0 }),
};

/** Told of each task a no-op worker is about to complete: the model's activity id and the business key. */
export type OnHandled = (activityId: string, businessKey: string) => void;

function noopHandler(topic: string, onHandled?: OnHandled) {
  @Injectable()
  @TaskHandler(`${PREFIX}${topic}`)
  class NoopHandler implements TopicHandler<unknown> {
    readonly input = z.unknown();
    async handle(_input: unknown, task: TaskContext) {
      // An activity instance id is `<activity id>:<uuid>`.
      onHandled?.(task.activityInstanceId.split(':')[0], task.businessKey ?? '');
      return OUTPUT[topic]?.() ?? {};
    }
  }
  return NoopHandler;
}

/** One worker app per service, each with that service's topics, like the real deployment. */
export async function startNoopWorkers(onHandled?: OnHandled): Promise<INestApplication[]> {
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
        providers: topics.filter((t) => t.startsWith(`${service}.`)).map((t) => noopHandler(t, onHandled)),
      })
      class NoopServiceModule {}
      return createTestApp(NoopServiceModule);
    }),
  );
}
