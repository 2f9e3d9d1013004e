import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '../../..');

/** A pinned tool the tests run (hadolint, helm, kubernetes-validate, schemathesis' st): `node stack/stack.mjs tools`. */
export const testTool = (name: string): string => resolve(REPO_ROOT, '.stack/tools/bin', name);

/**
 * The running local stack's settings (ports, URLs, credentials), resolved from
 * `stack/stack.env` and written by `npm run stack:up` to `.stack/env.json`.
 */
export function stackEnv(): Record<string, string> {
  const file = resolve(REPO_ROOT, '.stack/env.json');
  if (!existsSync(file)) throw new Error('The local stack is not running: start it with `npm run stack:up`.');
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
}
