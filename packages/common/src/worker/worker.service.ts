import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { DiscoveryService } from '@nestjs/core';
import type { BaseEnv } from '../config/env';
import { SERVICE_NAME } from '../http/service-info.module';
import { backoffDelayMs } from '../retry/retry-policy';
import { engineCredentials } from '../engine/engine-credentials';
import { CamundaClient, loadCamundaClient } from './camunda-client';
import { TaskHandler, TopicHandler } from './task-handler';
import { TaskRunner } from './task-runner';
import { variableNames } from './variable-names';
import { workerMetrics } from './worker.metrics';

/** Backing off from an unreachable engine starts here and doubles up to the configured ceiling. */
const ENGINE_BACKOFF_BASE_MS = 1_000;

/**
 * Runs this service's external-task client: subscribes every `@TaskHandler` provider,
 * backs off while the engine is unreachable, and drains in-flight tasks on shutdown.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerService.name);
  private client?: CamundaClient;
  private running = false;
  private engineFailures = 0;
  private resumeTimer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  /** The fetchAndLock request in flight, if any; settled when its answer has been handed out. */
  private openPoll?: Promise<void>;
  private settlePoll?: () => void;
  readonly topics: string[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly config: ConfigService<BaseEnv, true>,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const cfg = (key: keyof BaseEnv) => this.config.get(key, { infer: true });
    if (!cfg('WORKER_ENABLED')) {
      this.logger.log('worker disabled by WORKER_ENABLED=false');
      return;
    }
    const handlers = this.discovery.getProviders({ metadataKey: TaskHandler.KEY }).map((wrapper) => ({
      topic: this.discovery.getMetadataByDecorator(TaskHandler, wrapper) as string,
      handler: wrapper.instance as TopicHandler,
    }));
    if (handlers.length === 0) {
      this.logger.log('no task handlers registered; not polling');
      return;
    }

    const { Client, Variables, BasicAuthInterceptor } = await loadCamundaClient();
    const credentials = engineCredentials(this.config, this.service);
    const longPollMs = Number(cfg('WORKER_LONG_POLL_MS'));
    const lockDuration = Number(cfg('WORKER_LOCK_DURATION_MS'));
    // Unique per client, not only per process: the engine ends a pending long poll when another
    // comes under the same id (releaseOpenPoll), and tests run several apps in one process.
    const workerId = `${this.service}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    this.client = new Client({
      baseUrl: String(cfg('CAMUNDA_REST_URL')),
      workerId,
      maxTasks: Number(cfg('WORKER_MAX_TASKS')),
      maxParallelExecutions: Number(cfg('WORKER_MAX_PARALLEL')),
      lockDuration,
      asyncResponseTimeout: longPollMs,
      // No task of the model has a priority; ordering by it only costs the fetch query a sort.
      usePriority: false,
      // The client sleeps `interval` after every poll, even a long one that returned tasks.
      interval: Number(cfg('WORKER_POLL_INTERVAL_MS')),
      autoPoll: false,
      // A hung engine must not hang the poll loop: no request outlives the long poll by much.
      interceptors: [
        (config) => ({ ...config, timeout: { request: longPollMs + 10_000 } }),
        new BasicAuthInterceptor(credentials),
      ],
    });
    const runner = new TaskRunner(
      {
        maxRetries: Number(cfg('WORKER_MAX_RETRIES')),
        retryBaseMs: Number(cfg('WORKER_RETRY_BASE_MS')),
        retryMaxMs: Number(cfg('WORKER_RETRY_MAX_MS')),
      },
      () => new Variables(),
      lockDuration,
    );

    for (const { topic, handler } of handlers) {
      const variables = variableNames(handler.input);
      this.client.subscribe(topic, { lockDuration, ...(variables && { variables }) }, async ({ task, taskService }) => {
        const run = this.running
          ? runner.run(topic, handler, task, taskService)
          : // Fetched by the poll that was open at stop(): hand it back at once instead of holding the lock.
            taskService.unlock(task).catch(() => undefined);
        this.inFlight.add(run);
        await run.finally(() => this.inFlight.delete(run));
      });
      this.topics.push(topic);
    }
    const maxParallel = Number(cfg('WORKER_MAX_PARALLEL'));
    this.client.on('poll:start', () => {
      // With every parallel slot busy the client skips this fetch and polls again later.
      if (this.inFlight.size < maxParallel) this.openPoll = new Promise((resolve) => (this.settlePoll = resolve));
    });
    this.client.on('poll:error', (error) => {
      this.settlePoll?.();
      this.onEngineUnreachable(error);
    });
    this.client.on('poll:success', () => {
      this.settlePoll?.();
      this.onEngineReachable();
    });

    this.running = true;
    this.client.start();
    this.logger.log({ workerId, topics: this.topics }, 'worker polling');
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    this.running = false;
    clearTimeout(this.resumeTimer);
    this.client.stop();
    const grace = Number(this.config.get('WORKER_SHUTDOWN_GRACE_MS', { infer: true }));
    // The open poll first: the tasks it still brings are unlocked, and join the tasks in flight.
    const drained = this.releaseOpenPoll()
      .then(() => this.openPoll)
      .then(() => Promise.allSettled([...this.inFlight]));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), grace)));
    const result = await Promise.race([drained, timeout]);
    clearTimeout(timer);
    if (result === 'timeout') {
      this.logger.warn(
        { inFlight: this.inFlight.size },
        'shutdown grace elapsed; unfinished tasks return after lock expiry',
      );
    }
    this.logger.log('worker stopped');
  }

  /**
   * Left open, the long poll would outlive this process at the engine and lock the next task
   * of our topics for a worker that is gone, until the lock expires. A new long poll under the
   * same worker id makes the engine end the open one (engine setting unique-worker-request);
   * it asks for no task itself and expires at once.
   */
  private async releaseOpenPoll(): Promise<void> {
    try {
      await this.client?.engineService.fetchAndLock({ maxTasks: 0, topics: [], asyncResponseTimeout: 1 });
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'could not end the open long poll; it ends on its own');
    }
  }

  /** The client would retry every `interval`; instead pause polling with growing delays and say so once per step. */
  private onEngineUnreachable(error: Error): void {
    // After stop(), the open poll ends with an error on purpose (releaseOpenPoll).
    if (!this.running || !this.client) return;
    workerMetrics.pollErrors.inc();
    this.client.stop();
    this.engineFailures += 1;
    const maxMs = Number(this.config.get('WORKER_ENGINE_BACKOFF_MAX_MS', { infer: true }));
    const delay = backoffDelayMs({ baseMs: ENGINE_BACKOFF_BASE_MS, maxMs }, this.engineFailures);
    this.logger.warn(
      { err: error.message, failures: this.engineFailures, retryInMs: delay },
      'Camunda engine unreachable; polling paused',
    );
    this.resumeTimer = setTimeout(() => this.running && this.client?.start(), delay);
  }

  private onEngineReachable(): void {
    if (this.engineFailures === 0) return;
    this.logger.log({ after: this.engineFailures }, 'Camunda engine reachable again; polling resumed');
    this.engineFailures = 0;
  }
}
