/**
 * The built services refuse to start with NODE_ENV=production and a published or weak secret,
 * naming the variable (and why) without printing the value; with real secrets they come up.
 * Each run is a process of its own (dist/main.js, as the images run it) with the local stack's
 * settings, its own port and WORKER_ENABLED=false, so it takes no task from the running stack.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { REPO_ROOT, stackEnv, waitFor } from '@otus/testing';
import { parse as parseYaml } from 'yaml';

const env = stackEnv();
const read = (path: string) => readFileSync(resolve(REPO_ROOT, path), 'utf8');
const dotenv = (path: string) =>
  Object.fromEntries(
    read(path)
      .split('\n')
      .map((l) => /^([A-Z_0-9]+)=(.*)$/.exec(l))
      .filter((m) => m !== null)
      .map((m) => [m[1], m[2]]),
  );

/** PostgreSQL over the stack's socket: local connections are trusted, so the URL needs no password. */
const socketDbUrl = (db: string) =>
  `postgres://${env.PG_USER}@localhost:${env.PG_PORT}/${db}?host=${resolve(REPO_ROOT, '.stack/postgres/run')}`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, env.STACK_HOST, done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** A production environment the service accepts: the stack's settings with random secrets. */
function productionEnv(service: 'promo' | 'user', port: number, metricsPort: number): NodeJS.ProcessEnv {
  const keys = () => `k1:${randomBytes(32).toString('base64')}`;
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    ...env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    WORKER_ENABLED: 'false',
    [`${service.toUpperCase()}_PORT`]: String(port),
    [`${service.toUpperCase()}_METRICS_PORT`]: String(metricsPort),
    INTERNAL_API_TOKEN: randomBytes(32).toString('base64url'),
    // The engine account's local-only password would be refused; with WORKER_ENABLED=false it is not used.
    [`${service.toUpperCase()}_ENGINE_PASSWORD`]: randomBytes(24).toString('base64url'),
    PROMO_DB_URL: socketDbUrl('otus_promo'),
    USER_DB_URL: socketDbUrl('otus_user'),
    USER_KEY_SEAL_KEYS: keys(),
    CLIENT_LINK_SEAL_KEYS: keys(),
  };
  // The first administrator exists already; a production start must not need the stack's password.
  delete childEnv.USER_ADMIN_EMAIL;
  delete childEnv.USER_ADMIN_PASSWORD;
  delete childEnv.WORKER_LONG_POLL_MS;
  return childEnv;
}

interface Run {
  code: number | null;
  output: string;
}

/** Starts the service; resolves when it exits, or when `/health/live` answers (then stops it). */
async function start(service: 'promo' | 'user', overrides: Record<string, string>): Promise<Run & { up: boolean }> {
  const port = await freePort();
  const child = spawn(process.execPath, [resolve(REPO_ROOT, `services/${service}/dist/main.js`)], {
    cwd: REPO_ROOT,
    env: { ...productionEnv(service, port, await freePort()), ...overrides },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  try {
    const up = await waitFor(
      `${service} to exit or answer on :${port}`,
      async () => {
        if (child.exitCode !== null) return 'exited';
        return (await fetch(`http://${env.STACK_HOST}:${port}/health/live`).catch(() => undefined))?.ok
          ? 'up'
          : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );
    if (up === 'up') {
      child.kill('SIGTERM');
      return { up: true, code: await exited, output };
    }
    return { up: false, code: await exited, output };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

const helmValues = parseYaml(read('helm/otus-contract/ci/production-values.yaml')) as {
  secrets: Record<string, string>;
};

describe('a service started with NODE_ENV=production', () => {
  it.each([
    [
      'a placeholder from .env.example',
      'promo',
      'INTERNAL_API_TOKEN',
      dotenv('.env.example').INTERNAL_API_TOKEN,
      'is the example value from .env.example',
    ],
    [
      'a placeholder from stack/stack.env',
      'promo',
      'PROMO_DB_URL',
      env.PROMO_DB_URL,
      'its password is the example value from stack/stack.env',
    ],
    [
      "a Helm chart's example value",
      'promo',
      'INTERNAL_API_TOKEN',
      helmValues.secrets.internalApiToken,
      'is the example value from helm/otus-contract/ci/production-values.yaml',
    ],
    [
      'a too short password',
      'promo',
      'PROMO_DB_URL',
      `postgres://otus:Q7v-x2@${env.STACK_HOST}:${env.PG_PORT}/otus_promo`,
      'its password is too short',
    ],
    ['a low-entropy token', 'promo', 'INTERNAL_API_TOKEN', `${'a'.repeat(40)}bc`, 'has too little entropy'],
    [
      'a seal key that is base64 text',
      'user',
      'USER_KEY_SEAL_KEYS',
      `k1:${Buffer.from('my-own-seal-key-typed-by-hand-01').toString('base64')}`,
      'key "k1" decodes to text',
    ],
  ] as const)('refuses %s, naming the variable', async (_kind, service, variable, value, why) => {
    const run = await start(service, { [variable]: value });
    expect(run.up).toBe(false);
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(`${variable}: refused with NODE_ENV=production: ${why}`);
    expect(run.output).not.toContain(value);
  });

  it('comes up with random secrets', async () => {
    const run = await start('promo', {});
    expect(run.output).not.toContain('refused with NODE_ENV=production');
    expect(run.up).toBe(true);
  });
});

/**
 * The engine checks its passwords before it builds anything (EngineEnvironment): outside the
 * Spring profile 'local', an example, short or repetitive one stops it, naming the variable.
 */
describe('the engine started outside the profile local', () => {
  const random = () => randomBytes(24).toString('base64url');
  const accounts = ['USER', 'CONTRACT', 'COURSE', 'PROMO', 'NOTIFICATION'].map((s) => `${s}_ENGINE_PASSWORD`);

  async function startEngine(overrides: Record<string, string>): Promise<Run> {
    const childEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...env,
      ENGINE_PORT: String(await freePort()),
      CAMUNDA_ADMIN_PASSWORD: random(),
      ENGINE_DB_PASSWORD: random(),
      ...Object.fromEntries(accounts.map((name) => [name, random()])),
      ...overrides,
    };
    delete childEnv.SPRING_PROFILES_ACTIVE;
    const child = spawn('java', ['-Xmx256m', '-jar', resolve(REPO_ROOT, 'engine/target/otus-engine.jar')], {
      cwd: REPO_ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((done) => child.once('exit', (c) => done(c)));
    clearTimeout(timer);
    return { code, output };
  }

  it.each([
    ['CAMUNDA_ADMIN_PASSWORD', dotenv('.env.example').CAMUNDA_ADMIN_PASSWORD!, 'looks like, an example value'],
    ['CONTRACT_ENGINE_PASSWORD', dotenv('.env.example').CONTRACT_ENGINE_PASSWORD!, 'looks like, an example value'],
    ['COURSE_ENGINE_PASSWORD', helmValues.secrets.courseEnginePassword!, 'looks like, an example value'],
    ['CAMUNDA_ADMIN_PASSWORD', env.CAMUNDA_ADMIN_PASSWORD!, 'shorter than 12 characters'],
    ['PROMO_ENGINE_PASSWORD', 'abcabcabcabcabcabc', 'fewer than 8 different characters'],
  ])('refuses %s = a weak value, naming it', async (variable, value, why) => {
    const run = await startEngine({ [variable]: value });
    expect(run.code).not.toBe(0);
    expect(run.output).toContain(`Environment variable ${variable} is refused`);
    expect(run.output).toContain(why);
    expect(run.output).not.toContain(value);
  });

  it('passes the check with random passwords (and then stops at the database, whose password is wrong)', async () => {
    const run = await startEngine({});
    expect(run.output).not.toContain('is refused');
    expect(run.output).toMatch(/password authentication failed|FATAL/);
  });
});
