import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { crm, deployProbe, engineNodes, openCourse, probeWakeUp, REPO_ROOT, stackEnv } from '@otus/testing';
import { journey, type JourneyMarks, linkStep } from './journey-driver';
import { mongoStandIn } from './mongo-stand-in';
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
    only: { type: 'string' },
  },
});
const N = Number(args.n);
const CONCURRENCY = Number(args.concurrency);
const RATE = Number(args.rate);
const DURATION_S = Number(args.duration);

/** The five services; idle RSS targets apply to them, not to the engine or the databases. */
const SERVICES = ['user', 'contract', 'course', 'promo', 'notification'];

function javaVersion(): string | undefined {
  // `java -version` writes to stderr.
  return spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr?.split('\n')[0] || undefined;
}

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

/** A journey that breaks (a call timing out under load) is counted, not fatal to the run. */
async function safeJourney(client: Awaited<ReturnType<typeof crm>>, courseCode: string): Promise<JourneyMarks> {
  const posted = Date.now();
  try {
    return await journey(client, courseCode);
  } catch (e) {
    return { posted, ended: Date.now(), outcome: `ERROR ${(e as Error).message}` };
  }
}

const failures = (marks: JourneyMarks[]) => {
  const errors = marks.filter((m) => m.outcome?.startsWith('ERROR'));
  return { failed: errors.length, firstError: errors[0]?.outcome };
};

const between = (marks: JourneyMarks[], from: keyof JourneyMarks, to: keyof JourneyMarks) =>
  marks
    .filter((m) => typeof m[from] === 'number' && typeof m[to] === 'number')
    .map((m) => (m[to] as number) - (m[from] as number));

async function throughput(courseCode: string) {
  const client = await crm();
  const started = Date.now();
  const marks = await pool(Array.from({ length: N }), CONCURRENCY, () => safeJourney(client, courseCode));
  const seconds = (Date.now() - started) / 1000;
  const concluded = marks.filter((m) => m.outcome === 'CONCLUDED').length;
  return {
    n: N,
    concurrency: CONCURRENCY,
    seconds: round(seconds),
    concluded,
    ...failures(marks),
    perMinute: round((concluded / seconds) * 60),
  };
}

/** Open-loop arrivals: `run` started RATE times a second for DURATION_S, whether earlier ones ended or not. */
async function arrivals<T>(run: () => Promise<T>): Promise<T[]> {
  const runs: Promise<T>[] = [];
  const t0 = Date.now();
  for (let i = 0; i < RATE * DURATION_S; i++) {
    await sleep(Math.max(0, t0 + (i * 1000) / RATE - Date.now()));
    runs.push(run());
  }
  return Promise.all(runs);
}

async function latency(courseCode: string) {
  const client = await crm();
  const marks = await arrivals(() => safeJourney(client, courseCode));
  return {
    arrivalsPerSecond: RATE,
    applications: marks.length,
    concluded: marks.filter((m) => m.outcome === 'CONCLUDED').length,
    ...failures(marks),
    crmPostToLinkEmail: summary(between(marks, 'posted', 'linkMail')),
    formSubmitToDraftReady: summary(between(marks, 'formSubmitted', 'draftReady')),
    correctCodeToSignedEmail: summary(between(marks, 'signed', 'signedMail')),
  };
}

/**
 * CRM POST → link e-mail alone, at RATE for DURATION_S: the step that crosses every service's
 * worker once, so a poll on the wrong engine node shows as a wait of its timeout (20 s).
 */
async function link(courseCode: string) {
  const client = await crm();
  const results = await arrivals(() => linkStep(client, courseCode));
  const ms = results.filter((r): r is number => typeof r === 'number');
  const errors = results.filter((r): r is string => typeof r === 'string');
  return {
    arrivalsPerSecond: RATE,
    applications: results.length,
    failed: errors.length,
    firstError: errors[0],
    crmPostToLinkEmail: summary(ms),
    over10s: ms.filter((m) => m > 10_000).length,
  };
}

/**
 * How long a long poll open on one engine node waits for a task made on a node: the same one
 * (Camunda's own wake-up) and the other one (the cluster relay; without it, until something else
 * wakes that node). Only the probe model's own topic, so no service worker takes its tasks.
 */
async function wake(tries: number) {
  const nodes = engineNodes();
  await deployProbe(nodes[0]);
  const pairs = nodes.flatMap((_, from) => nodes.map((__, to) => [from, to] as const));
  const ms = { sameNode: [] as number[], otherNode: [] as number[] };
  for (let i = 0; i < tries; i++) {
    for (const [from, to] of pairs) {
      const { ms: waited } = await probeWakeUp(nodes[from], nodes[to]);
      (from === to ? ms.sameNode : ms.otherNode).push(waited);
    }
  }
  return { nodes: nodes.length, sameNode: summary(ms.sameNode), otherNode: summary(ms.otherNode) };
}

const SECTIONS = ['pdf', 'gateway', 'seats', 'throughput', 'latency', 'link', 'wake', 'mongo'] as const;
type Section = (typeof SECTIONS)[number];

function selectedSections(): Set<Section> {
  const wanted = (args.only ?? SECTIONS.join(',')).split(',').map((s) => s.trim());
  const unknown = wanted.filter((s) => !(SECTIONS as readonly string[]).includes(s));
  if (unknown.length)
    throw new Error(`--only: unknown section(s) ${unknown.join(', ')}; known: ${SECTIONS.join(', ')}`);
  return new Set(wanted as Section[]);
}

function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

async function main() {
  const only = selectedSections();
  ensureStack();
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryGb: round(totalmem() / 2 ** 30),
    node: process.version,
    java: javaVersion(),
    loadAverageAtStart: loadAverage(),
    loadAverageAtEnd: '',
  };
  const idle = rss();
  const step = async <T>(name: Section, run: () => Promise<T>): Promise<T | undefined> => {
    if (!only.has(name)) return undefined;
    console.log(`${name} … (load average ${loadAverage()})`);
    return run();
  };
  const pdf = await step('pdf', () => pdfRendering(200));
  const gateway = await step('gateway', () => gatewayOverhead(300));
  const seats = await step('seats', () => seatContention(500, 50));
  const course = await openCourse({ capacity: N * 2 + RATE * DURATION_S + 10 });
  let underLoad: Record<string, number> = {};
  const real = await step('throughput', async () => {
    const measured = await peakRss(() => throughput(course.code));
    underLoad = measured.peak;
    return measured.result;
  });
  const noop = await step('throughput', async () => {
    console.log(`no-op baseline: ${N} instances …`);
    const workers = await startNoopWorkers();
    try {
      return await runNoop(N, CONCURRENCY);
    } finally {
      await Promise.all(workers.map((w) => w.close()));
    }
  });
  const noopPerMinute = noop && round((noop.completed / noop.seconds) * 60);
  const steady = await step('latency', () => latency(course.code));
  const linkOnly = await step('link', () => link(course.code));
  const wakeUp = await step('wake', () => wake(N));
  // MONGO_BENCH_URL measures a candidate server instead of the stack's (docs/mongo-server.md).
  const mongo = await step('mongo', () => mongoStandIn(process.env.MONGO_BENCH_URL || stackEnv().CONTRACT_MONGO_URL));
  machine.loadAverageAtEnd = loadAverage();

  const ratio = real && noopPerMinute ? round(real.perMinute / noopPerMinute, 2) : undefined;
  const services = Object.keys(idle).filter((k) => SERVICES.includes(k));
  const idleWorst = Math.max(...services.map((k) => idle[k]));
  const targets = {
    'throughput ratio ≥ 0.5': ratio === undefined ? undefined : ratio >= 0.5,
    'link e-mail p95 < 300 ms at 10/s': steady && steady.crmPostToLinkEmail.p95 < 300,
    '0 overbooked': seats && seats.overbooked === 0,
    'idle RSS < 150 MB per service': idleWorst < 150,
    'auth_request overhead p50 < 2 ms': gateway && gateway.overheadP50 < 2,
    'draft PDF p95 < 50 ms': pdf && pdf.p95 < 50,
  };
  const report = {
    at: new Date().toISOString(),
    args: { n: N, concurrency: CONCURRENCY, rate: RATE, durationS: DURATION_S, only: [...only] },
    machine,
    throughput: real && { ...real, noopPerMinute, noop, ratio, target: '≥ 0.5' },
    latency: steady && { ...steady, target: 'link e-mail p95 < 300 ms at 10/s' },
    link: linkOnly && { ...linkOnly, topology: process.env.STACK_TOPOLOGY ?? 'single' },
    wake: wakeUp,
    mongo,
    seats: seats && { ...seats, target: '0 overbooked' },
    memory: { idleMb: idle, underLoadMb: underLoad, target: 'idle < 150 MB per service' },
    gateway: gateway && { ...gateway, target: 'auth_request overhead p50 < 2 ms' },
    pdf: pdf && { ...pdf, target: 'draft p95 < 50 ms' },
    targetsMet: targets,
  };
  mkdirSync(join(REPO_ROOT, 'reports'), { recursive: true });
  writeFileSync(join(REPO_ROOT, 'reports/bench.json'), JSON.stringify(report, null, 2));

  const pct = (s: { p50: number; p95: number; p99: number }) => `${s.p50} / ${s.p95} / ${s.p99}`;
  const rows: Record<string, { value: unknown; target: string }> = {};
  if (real && noop) {
    rows[`contracts / min (real, ${real.concluded}/${real.n} concluded, ${real.failed} failed)`] = {
      value: real.perMinute,
      target: '',
    };
    rows['contracts / min (no-op engine limit)'] = { value: noopPerMinute, target: '' };
    rows['ratio real / no-op'] = { value: ratio, target: '≥ 0.5' };
  }
  if (steady) {
    rows[`CRM POST → link e-mail p50 / p95 / p99 ms (${RATE}/s, ${steady.failed} failed)`] = {
      value: pct(steady.crmPostToLinkEmail),
      target: 'p95 < 300',
    };
    rows['form → draft ready p50 / p95 / p99 ms'] = { value: pct(steady.formSubmitToDraftReady), target: '' };
    rows['code → signed e-mail p50 / p95 / p99 ms'] = { value: pct(steady.correctCodeToSignedEmail), target: '' };
  }
  if (linkOnly) {
    rows[
      `CRM POST → link e-mail only, p50 / p95 / p99 ms (${RATE}/s, ${linkOnly.failed} failed, ${linkOnly.over10s} over 10 s)`
    ] = {
      value: pct(linkOnly.crmPostToLinkEmail),
      target: '',
    };
  }
  if (wakeUp) {
    rows[`long poll woken by a task on the same node, p50 / p95 / p99 ms`] = {
      value: pct(wakeUp.sameNode),
      target: '',
    };
    if (wakeUp.nodes > 1) {
      rows[`long poll woken by a task on the other node, p50 / p95 / p99 ms`] = {
        value: pct(wakeUp.otherNode),
        target: '',
      };
    }
  }
  if (mongo) {
    rows[`Mongo findOne by indexed key among ${mongo.documents} p50 / p95 ms (by _id p50)`] = {
      value: `${mongo.findOneByIndexedKeyMs.p50} / ${mongo.findOneByIndexedKeyMs.p95} (${mongo.findByIdMs.p50})`,
      target: '',
    };
    const racing = mongo.conditionalUpdatesOnOneDocument;
    rows[`Mongo conditional updates of one document / s (${racing.winners} of ${racing.expectedWinners} won)`] = {
      value: racing.perSecond,
      target: '',
    };
    rows['Mongo updates of separate documents / s'] = { value: mongo.updatesOfSeparateDocumentsPerSecond, target: '' };
  }
  if (seats) {
    rows[`seat holds / s (${seats.holds} on ${seats.seats}, 2 workers)`] = { value: seats.holdsPerSecond, target: '' };
    rows['seats overbooked'] = { value: seats.overbooked, target: '0' };
  }
  rows['largest idle service RSS MB'] = { value: idleWorst, target: '< 150' };
  if (gateway) {
    rows['auth_request overhead p50 / p95 ms'] = {
      value: `${gateway.overheadP50} / ${gateway.overheadP95}`,
      target: 'p50 < 2',
    };
    rows['user service auth check alone p50 / p95 ms'] = {
      value: `${gateway.authCheckAlone.p50} / ${gateway.authCheckAlone.p95}`,
      target: '',
    };
    rows['garbage token through the gateway / check alone p50 ms'] = {
      value: `${gateway.garbageToken.viaGateway.p50} / ${gateway.garbageToken.authCheckAlone.p50}`,
      target: '',
    };
    rows['random-kid JWT through the gateway / check alone p50 ms'] = {
      value: `${gateway.randomKidToken.viaGateway.p50} / ${gateway.randomKidToken.authCheckAlone.p50}`,
      target: '',
    };
    rows['staff GET via gateway req/s, 20 in flight: valid / garbage token'] = {
      value: `${gateway.requestsPerSecond.validToken} / ${gateway.requestsPerSecond.garbageToken}`,
      target: '',
    };
  }
  if (pdf)
    rows['draft PDF p50 / p95 ms, size KB'] = { value: `${pdf.p50} / ${pdf.p95}, ${pdf.sizeKb}`, target: 'p95 < 50' };
  console.table(rows);
  console.table(
    Object.fromEntries(
      Object.keys({ ...idle, ...underLoad }).map((k) => [k, { idleMb: idle[k], underLoadMb: underLoad[k] }]),
    ),
  );
  console.table(
    Object.fromEntries(
      Object.entries(targets)
        .filter(([, met]) => met !== undefined)
        .map(([target, met]) => [target, { met }]),
    ),
  );
  console.log(`load average ${machine.loadAverageAtStart} at start, ${machine.loadAverageAtEnd} at end`);
  console.log('written: reports/bench.json');
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
