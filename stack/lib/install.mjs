import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Runs a command with inherited output; throws with the command line when it fails. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
}

export function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

/** PostgreSQL server binaries from Debian live outside PATH, one folder per major version. */
export function postgresBin() {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin/postgres')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(root, versions[0], 'bin') : undefined;
}

/** Debian packages the stack runs on; installed with apt-get when missing and we are root. */
export function ensureSystemPackages() {
  const wanted = [
    ['postgres', 'postgresql', () => postgresBin()],
    ['nginx', 'nginx-light', () => has('nginx') || existsSync('/usr/sbin/nginx')],
    ['prometheus', 'prometheus', () => has('prometheus')],
    ['java', 'openjdk-17-jdk-headless', () => has('java')],
    ['mvn', 'maven', () => has('mvn')],
    ['go', 'golang-go', () => has('go')],
    // For the tests: a real browser for the client pages, pdftotext/pdftoppm for the contracts.
    ['chromium', 'chromium', () => has('chromium')],
    ['pdftotext', 'poppler-utils', () => has('pdftotext')],
    // Test tools from PyPI go into a virtualenv (stack/lib/tools.mjs).
    ['python3 venv', 'python3-venv', () => spawnSync('python3', ['-c', 'import ensurepip, venv']).status === 0],
  ];
  const missing = wanted.filter(([, , present]) => !present()).map(([, pkg]) => pkg);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Missing system packages: ${missing.join(' ')}. Install them (sudo apt-get install ${missing.join(' ')}) and retry.`,
    );
  }
  console.log(`installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], { env });
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

/** Newest modification time under `paths` (files or folders), skipping build output. */
export function newestMtime(paths) {
  let newest = 0;
  const visit = (path) => {
    if (!existsSync(path)) return;
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path))
        if (!['target', 'node_modules', 'dist'].includes(entry)) visit(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  paths.forEach(visit);
  return newest;
}

/** Rebuilds `output` when any input is newer than it. */
export function buildIfStale(what, output, inputs, build) {
  if (existsSync(output) && statSync(output).mtimeMs >= newestMtime(inputs)) return;
  console.log(`building ${what}`);
  build();
}
