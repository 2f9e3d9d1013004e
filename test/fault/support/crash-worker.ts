import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { REPO_ROOT, stackEnv } from '@otus/testing';

export interface CrashReport {
  taskId: string;
  activityId: string;
  workerId: string;
  lockExpirationTime: string;
  output: Record<string, unknown>;
  /** How the process ended: a crash is SIGKILL, anything else means it did not get that far. */
  signal: NodeJS.Signals | null;
}

/**
 * Runs support/crashing-worker.mjs as its own process with the stack's settings: it takes the
 * one `topic` task of `businessKey`, does the real handler's effect, and is killed before `complete`.
 */
export function crashAfterEffect(service: string, topic: string, businessKey: string, lockMs = 3_000) {
  return new Promise<CrashReport>((done, fail) => {
    const child = spawn(
      process.execPath,
      [resolve(REPO_ROOT, 'test/fault/support/crashing-worker.mjs'), service, topic, businessKey, String(lockMs)],
      { cwd: REPO_ROOT, env: { ...process.env, ...stackEnv(), LOG_LEVEL: 'error' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', fail);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith('CRASH-WORKER '));
      if (!line) return fail(new Error(`crash worker ended (${code ?? signal}) without a report:\n${stdout}${stderr}`));
      done({ ...(JSON.parse(line.slice('CRASH-WORKER '.length)) as Omit<CrashReport, 'signal'>), signal });
    });
  });
}
