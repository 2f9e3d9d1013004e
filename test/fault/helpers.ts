import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT, stackEnv } from '@otus/testing';

const exec = promisify(execFile);

/**
 * Set by test/setup/stack-env.ts for in-process test apps only: a service the stack restarts
 * must run with the stack's own settings, not with the test process's quiet log level.
 */
const TEST_ONLY = ['LOG_LEVEL', 'WORKER_LONG_POLL_MS'];

/**
 * Runs `node stack/stack.mjs <args>` as a user would and returns its output. `env` adds
 * variables for the processes it starts (stack.mjs passes its environment on), e.g. short
 * deadlines for the contract service; a later `up` without them restores the defaults.
 */
export async function stack(...args: (string | { env: Record<string, string> })[]): Promise<string> {
  const extra = args.find((a): a is { env: Record<string, string> } => typeof a === 'object')?.env ?? {};
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const key of TEST_ONLY) if (!(key in extra)) delete env[key];
  const { stdout, stderr } = await exec(
    process.execPath,
    [resolve(REPO_ROOT, 'stack/stack.mjs'), ...args.filter((a): a is string => typeof a === 'string')],
    { cwd: REPO_ROOT, timeout: 300_000, env },
  );
  return stdout + stderr;
}

/**
 * The stack components that run `service`: one process, or two on the cluster topology
 * (`<service>` and `<service>-2`), e.g. to restart every contract process with other settings.
 */
export function processesOf(service: string): string[] {
  return stackEnv().STACK_TOPOLOGY === 'cluster' ? [service, `${service}-2`] : [service];
}
