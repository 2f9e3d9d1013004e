import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  ApiClient,
  application,
  linkToken,
  openCourse,
  REPO_ROOT,
  stackEnv,
  staffToken,
  testTool,
} from '@otus/testing';

/**
 * Schemathesis against every service through the gateway, with the exported OpenAPI documents
 * (docs/openapi) and real credentials: a staff administrator, a CRM API key and a client's link
 * session. Bounded: a fixed seed and at most 20 cases per operation and phase (schemathesis.toml).
 * Checks: no 5xx, and every answer matches the documented schema.
 */
const env = stackEnv();
const ST = process.env.SCHEMATHESIS_BIN ?? testTool('st');
const REPORTS = resolve(REPO_ROOT, 'reports/schemathesis');
const FUZZ = resolve(REPO_ROOT, 'test/fuzz');

interface Run {
  name: string;
  service: string;
  /** Where the document's paths start: the gateway's /api/<service>, or its root for the client's routes. */
  base: string;
  include?: string;
  exclude?: string;
}

const RUNS: Run[] = [
  { name: 'user', service: 'user', base: '/api/user' },
  // The client's routes live at the gateway's root (/client/…); /internal/… is never routed.
  { name: 'contract', service: 'contract', base: '/api/contract', exclude: '^/client/' },
  { name: 'contract-client', service: 'contract', base: '', include: '^/client/' },
  { name: 'course', service: 'course', base: '/api/course' },
  { name: 'promo', service: 'promo', base: '/api/promo' },
  { name: 'notification', service: 'notification', base: '/api/notification', exclude: '^/internal/' },
];

interface Report {
  exit_code: number;
  operations: { selected: number; tested: number; errored: number };
  test_cases: { generated: number; with_failures: number };
  failures: { code: string; title: string; count: number; operations: string[] }[];
  errors: unknown[];
  running_time: number;
}

let credentials: Record<string, string>;
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  if (!existsSync(ST)) {
    throw new Error(
      `schemathesis is not installed at ${ST}: python3 -m venv .stack/schemathesis && .stack/schemathesis/bin/pip install schemathesis==4.32.5`,
    );
  }
  // A staff administrator of its own, so that nothing generated can touch the environment's admin.
  const users = new ApiClient(`http://${env.STACK_HOST}:${env.USER_PORT}`, await staffToken());
  const email = `fuzz-admin-${randomUUID().slice(0, 8)}@otus.test`;
  const password = `Fuzz-${randomUUID()}`;
  const admin = await users.post('/users', { email, name: 'Fuzz admin', password, roles: ['admin'] });
  if (admin.status !== 201) throw new Error(`fuzz admin: ${admin.status} ${JSON.stringify(admin.body)}`);
  cleanup.push(() => users.delete(`/users/${admin.body.id}`));
  const login = await users.post('/auth/login', { email, password });

  // A CRM with its key, and an application whose link session the client's routes get.
  const key = await users.post('/api-clients', { name: `Fuzz CRM ${randomUUID().slice(0, 6)}` });
  cleanup.push(() => users.delete(`/api-clients/${key.body.id}`));
  const crmApi = new ApiClient(`${env.GATEWAY_URL}/api/contract`).withHeaders({ 'x-api-key': key.body.apiKey });
  const course = await openCourse();
  const created = await crmApi.post('/applications', application(course.code));
  if (created.status !== 201) throw new Error(`application: ${created.status} ${JSON.stringify(created.body)}`);
  const applicationId = created.body.applicationId as string;
  const exchange = await new ApiClient(env.GATEWAY_URL).post('/api/user/client-links/exchange', {
    token: await linkToken(applicationId),
  });
  const session = /otus_client=([^;]+)/.exec(exchange.headers.get('set-cookie') ?? '')?.[1];
  if (!session) throw new Error(`link exchange: ${exchange.status} ${JSON.stringify(exchange.body)}`);

  credentials = {
    FUZZ_STAFF_TOKEN: login.body.accessToken,
    FUZZ_CRM_API_KEY: key.body.apiKey,
    FUZZ_CLIENT_SESSION: session,
    FUZZ_APPLICATION_ID: applicationId,
  };
  mkdirSync(REPORTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
});

describe('fuzzing every API through the gateway (schemathesis)', () => {
  it.each(RUNS)(
    '$name: no 5xx, and every answer matches the OpenAPI document',
    async (run) => {
      const { report, output } = await schemathesis(run);
      const summary =
        `${run.name}: ${report.operations.tested} operations, ${report.test_cases.generated} cases, ` +
        `${report.failures.length} kinds of failure, ${Math.round(report.running_time)} s`;
      console.log(summary);
      if (report.failures.length > 0 || report.errors.length > 0 || report.exit_code !== 0) {
        throw new Error(`${summary}\n${failureSection(output)}`);
      }
      expect(report.operations.tested).toBe(report.operations.selected);
      expect(report.operations.tested).toBeGreaterThan(0);
    },
    600_000,
  );
});

async function schemathesis(run: Run): Promise<{ report: Report; output: string }> {
  const reportFile = join(REPORTS, `${run.name}.json`);
  rmSync(reportFile, { force: true });
  // Its own working directory: schemathesis and hypothesis leave caches there.
  const cwd = join(tmpdir(), `otus-fuzz-${run.name}-${process.pid}`);
  mkdirSync(cwd, { recursive: true });
  const args = [
    '--config-file',
    join(FUZZ, 'schemathesis.toml'),
    'run',
    resolve(REPO_ROOT, `docs/openapi/${run.service}.json`),
    '--url',
    `${env.GATEWAY_URL}${run.base}`,
    '--no-color',
    '--report',
    'json',
    '--report-json-path',
    reportFile,
    // A deeper run by hand: FUZZ_MAX_EXAMPLES=200 FUZZ_CHECKS=all npm run test:e2e -- test/fuzz
    ...(process.env.FUZZ_MAX_EXAMPLES ? ['--max-examples', process.env.FUZZ_MAX_EXAMPLES] : []),
    ...(process.env.FUZZ_CHECKS ? ['--checks', process.env.FUZZ_CHECKS] : []),
    ...(run.include ? ['--include-path-regex', run.include] : []),
    ...(run.exclude ? ['--exclude-path-regex', run.exclude] : []),
  ];
  const output = await new Promise<string>((done, fail) => {
    const child = spawn(ST, args, {
      cwd,
      env: { ...process.env, ...credentials, SCHEMATHESIS_HOOKS: join(FUZZ, 'hooks.py'), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', fail);
    child.on('close', () => done(text));
  });
  rmSync(cwd, { recursive: true, force: true });
  if (!existsSync(reportFile)) throw new Error(`schemathesis wrote no report:\n${output}`);
  return { report: JSON.parse(readFileSync(reportFile, 'utf8')) as Report, output };
}

/** The part of schemathesis' output that shows each failure with a curl line to reproduce it. */
function failureSection(output: string): string {
  const start = output.indexOf('FAILURES');
  const end = output.indexOf('SUMMARY');
  return (start >= 0 ? output.slice(start, end > start ? end : undefined) : output).slice(0, 20_000);
}
