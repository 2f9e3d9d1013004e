import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '@otus/common/testing';

const exec = promisify(execFile);

/** Runs `node stack/stack.mjs <args>` as a user would and returns its output. */
export async function stack(...args: string[]): Promise<string> {
  const { stdout, stderr } = await exec(process.execPath, [resolve(REPO_ROOT, 'stack/stack.mjs'), ...args], {
    cwd: REPO_ROOT,
    timeout: 300_000,
  });
  return stdout + stderr;
}

/** Reads what a stack process logged after `mark()` was taken. */
export function logSince(component: string) {
  const file = resolve(REPO_ROOT, `.stack/logs/${component}.log`);
  const start = statSync(file).size;
  return () => readFileSync(file).subarray(start).toString('utf8');
}
