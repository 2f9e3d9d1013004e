import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { crm, openCourse, REPO_ROOT, stackEnv } from '@otus/common/testing';
import { journey, type JourneyMarks } from './journey-driver';
import { runNoop, startNoopWorkers } from './noop-baseline';
import { gatewayOverhead, pdfRendering, peakRss, rss, seatContention } from './sections';
import { pool, round, sleep, summary } from './stats';

/**
 * `npm run bench`: starts or reuses the local stack and prints, in one run, how fast the
 * product concludes contracts against the limit of its own engine, where the time goes, and
 * what it costs in memory. The figures go to reports/bench.json too. Targets are printed
 * beside the figures; nothing here passes or fails.
 */
const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '20' },
    rate: { type: 'string', default: '10' },
    duration: { type: 'string', default: '20' },
  },
});
const N = Number(args.n);
const CONCURRENCY = Number(args.concurrency);
const RATE = Number(args.rate);
const DURATION_S = Number(args.duration);

function ensureStack(): void {
  const up = existsSync(join(REPO_ROOT, '.stack/env.json'))
    ? execFileSync(process.execPath, [join(REPO_ROOT, 'stack/stack.mjs'), 'status'], { encoding: 'utf8' }).includes(
        '○',
      ) === false
    : false;
  if (!up) execFileSync(process.execPath, [join(REPO_ROOT, 'stack/stack.mjs'), 'up'], { stdio: 'inherit' });
  for (const [key, value] of Object.entries(stackEnv())) process.env[key] ??= value;
  process.env.LOG_LEVEL = 'warn';
}

const between = (marks: JourneyMarks[], from: keyof JourneyMarks, to: keyof JourneyMarks) =>
  marks
    .filter((m) => typeof m[from] === 'number' && typeof m[to] === 'number')
    .map((m) => (m[to] as number) - (m[from] as number));

async function throughput(courseCode: string) {
  const client = await crm();
  const started = Date.now();
  const marks = await pool(Array.from({ length: N }), CONCURRENCY, () => journey(client, courseCode));
  const seconds = (Date.now() - started) / 1000;
  const concluded = marks.filter((m) => m.outcome === 'CONCLUDED').length;
  return {
    n: N,
    concurrency: CONCURRENCY,
    seconds: round(seconds),
    concluded,
    perMinute: round((concluded / seconds) * 60),
  };
}

async function latency(courseCode: string) {
  const client = await crm();
  const runs: Promise<JourneyMarks>[] = [];
  const count = RATE * DURATION_S;
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, t0 + (i * 1000) / RATE - Date.now()));
    runs.push(journey(client, courseCode));
  }
  const marks = await Promise.all(runs);
  return {
    arrivalsPerSecond: RATE,
    applications: count,
    crmPostToLinkEmail: summary(between(marks, 'posted', 'linkMail')),
    formSubmitToDraftReady: summary(between(marks, 'formSubmitted', 'draftReady')),
    correctCodeToSignedEmail: summary(between(marks, 'signed', 'signedMail')),
  };
}

async function main() {
  ensureStack();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: round(totalmem() / 2 ** 30),
    node: process.version,
  };
  const idle = rss();
  console.log('pdf …');
  const pdf = await pdfRendering(200);
  console.log('gateway …');
  const gateway = await gatewayOverhead(300);
  console.log('seats …');
  const seats = await seatContention(500, 50);
  console.log(`throughput: ${N} journeys …`);
  const course = await openCourse({ capacity: N * 2 + RATE * DURATION_S + 10 });
  const { result: real, peak: underLoad } = await peakRss(() => throughput(course.code));
  console.log('no-op baseline …');
  const workers = await startNoopWorkers();
  let noop;
  try {
    noop = await runNoop(N, CONCURRENCY);
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
  const noopPerMinute = round((noop.completed / noop.seconds) * 60);
  console.log(`latency: ${RATE}/s for ${DURATION_S} s …`);
  const steady = await latency(course.code);

  const report = {
    at: new Date().toISOString(),
    machine,
    throughput: { ...real, noopPerMinute, ratio: round(real.perMinute / noopPerMinute, 2), target: '≥ 0.5' },
    latency: { ...steady, target: 'link e-mail p95 < 300 ms at 10/s' },
    seats: { ...seats, target: '0 overbooked' },
    memory: { idleMb: idle, underLoadMb: underLoad, target: 'idle < 150 MB per service' },
    gateway: { ...gateway, target: 'auth_request overhead p50 < 2 ms' },
    pdf: { ...pdf, target: 'draft p95 < 50 ms' },
  };
  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'reports/bench.json'), JSON.stringify(report, null, 2));
  console.table({
    'contracts / min (real)': { value: real.perMinute, target: '' },
    'contracts / min (no-op engine limit)': { value: noopPerMinute, target: '' },
    'ratio real / no-op': { value: report.throughput.ratio, target: '≥ 0.5' },
    'CRM POST → link e-mail p50 / p95 / p99 ms': {
      value: `${steady.crmPostToLinkEmail.p50} / ${steady.crmPostToLinkEmail.p95} / ${steady.crmPostToLinkEmail.p99}`,
      target: 'p95 < 300',
    },
    'form → draft ready p50 / p95 / p99 ms': {
      value: `${steady.formSubmitToDraftReady.p50} / ${steady.formSubmitToDraftReady.p95} / ${steady.formSubmitToDraftReady.p99}`,
      target: '',
    },
    'code → signed e-mail p50 / p95 / p99 ms': {
      value: `${steady.correctCodeToSignedEmail.p50} / ${steady.correctCodeToSignedEmail.p95} / ${steady.correctCodeToSignedEmail.p99}`,
      target: '',
    },
    [`seat holds / s (${seats.holds} on ${seats.seats})`]: { value: seats.holdsPerSecond, target: '' },
    'seats overbooked': { value: seats.overbooked, target: '0' },
    'auth_request overhead p50 / p95 ms': {
      value: `${gateway.overheadP50} / ${gateway.overheadP95}`,
      target: 'p50 < 2',
    },
    'draft PDF p50 / p95 ms, size KB': { value: `${pdf.p50} / ${pdf.p95}, ${pdf.sizeKb}`, target: 'p95 < 50' },
  });
  console.table(
    Object.fromEntries(
      Object.keys({ ...idle, ...underLoad }).map((k) => [k, { idleMb: idle[k], underLoadMb: underLoad[k] }]),
    ),
  );
  console.log(`written: reports/bench.json`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
