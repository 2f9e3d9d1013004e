import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { resolve } from 'node:path';
import { REPO_ROOT, serviceMetric, stackEnv, waitFor } from '@otus/testing';

export interface Replica {
  service: string;
  port: number;
  metricsPort: number;
  pid: number;
  process: ChildProcess;
  log: string;
}

/**
 * A second process of each service, as a second pod would be: the same build and the stack's
 * settings from .stack/env.json, its own HTTP port (the stack's port + `offset`) and log file.
 * Its worker polls the same topics as the stack's, so every topic has two competing workers.
 */
export async function startReplicas(services: string[], offset = 100): Promise<Replica[]> {
  const env = stackEnv();
  const replicas = services.map((service) => {
    const variable = `${service.toUpperCase()}_PORT`;
    const port = Number(env[variable]) + offset;
    const metricsVariable = `${service.toUpperCase()}_METRICS_PORT`;
    const metricsPort = Number(env[metricsVariable]) + offset;
    const log = resolve(REPO_ROOT, `.stack/logs/${service}-replica.log`);
    const fd = openSync(log, 'a');
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...env,
      [variable]: String(port),
      [metricsVariable]: String(metricsPort),
    };
    delete childEnv.WORKER_LONG_POLL_MS; // the test setup's value for in-process apps; a replica runs as deployed
    const child = spawn(process.execPath, [resolve(REPO_ROOT, `services/${service}/dist/main.js`)], {
      cwd: REPO_ROOT,
      env: childEnv,
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    return { service, port, metricsPort, pid: child.pid!, process: child, log };
  });
  try {
    await Promise.all(
      replicas.map((r) =>
        waitFor(
          `the ${r.service} replica on :${r.port} (log ${r.log})`,
          async () => {
            if (r.process.exitCode !== null) throw new Error(`exited with ${r.process.exitCode}; see ${r.log}`);
            return (await fetch(`http://${env.STACK_HOST}:${r.port}/health`)).ok;
          },
          { timeoutMs: 120_000, intervalMs: 500 },
        ),
      ),
    );
  } catch (e) {
    await stopReplicas(replicas);
    throw e;
  }
  return replicas;
}

/** SIGTERM (the worker drains its tasks), SIGKILL after 20 s; only the pids started here. */
export async function stopReplicas(replicas: Replica[]): Promise<void> {
  await Promise.all(
    replicas.map(async (r) => {
      if (r.process.exitCode !== null || r.process.signalCode !== null) return;
      const exited = new Promise((done) => r.process.once('exit', done));
      r.process.kill('SIGTERM');
      const timer = setTimeout(() => r.process.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }),
  );
}

/** `worker_tasks_completed_total` of one process of `service` (the stack's by default), summed over topics. */
export const completedTasks = (service: string, metricsPort?: number) =>
  serviceMetric(
    service,
    'worker_tasks_completed_total',
    {},
    metricsPort === undefined ? undefined : String(metricsPort),
  );
