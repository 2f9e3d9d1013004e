import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { crm, deployProbe, engineNodes, openCourse, probeWakeUp, REPO_ROOT, stackEnv } from '@otus/testing';
import { capacity, overload, type SweepOptions } from './capacity';
import { linkStep } from './journey-driver';
import { mongoStandIn } from './mongo-stand-in';
import { gatewayOverhead, pdfRendering, peakRss, rss, seatContention } from './sections';
import { round, sleep, summary } from './stats';

/**
 * `npm run bench`: starts or reuses the local stack and prints, in one run, how fast the
 * product concludes contracts against the limit of its own engine, where the time goes, and
 * what it costs in memory. The figures go to reports/bench.json too. Targets are printed
 * beside the figures; nothing here passes or fails.
 */
const { values: args } = parseArgs({
  options: {
    rates: { type: 'string', default: '0.25,0.5,1,2,4,8' },
    repeats: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '10' },
    measure: { type: 'string', default: '30' },
    'p95-bound': { type: 'string', default: '10000' },
    // Twice the real knee just measured, or this when the capacity section did not run.
    'overload-rate': { type: 'string', default: '2' },
    'overload-seconds': { type: 'string', default: '60' },
    rate: { type: 'string', default: '2' },
    duration: { type: 'string', default: '20' },
    n: { type: 'string', default: '200' },
    only: { type: 'string' },
  },
});
const SWEEP: SweepOptions = {
  rates: args.rates.split(',').map(Number),
  warmupS: Number(args.warmup),
  measureS: Number(args.measure),
  minArrivals: 15,
  timeoutS: 120,
  p95BoundMs: Number(args['p95-bound']),
};
const REPEATS = Number(args.repeats);
/** For the link and wake sections: arrivals per second, for how long; probes. */
const RATE = Number(args.rate);
const DURATION_S = Number(args.duration);
const N = Number(args.n);

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

const SECTIONS = ['pdf', 'gateway', 'seats', 'capacity', 'overload', 'link', 'wake', 'mongo'] as const;
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
  const arrivalsPerRepeat = SWEEP.rates.reduce(
    (sum, rate) => sum + rate * SWEEP.warmupS + Math.max(SWEEP.minArrivals, rate * SWEEP.measureS),
    0,
  );
  // Seats for every journey the run may start; one that finds none would end NO_SEATS, not concluded.
  const overloadArrivals =
    2 * Math.max(...SWEEP.rates, Number(args['overload-rate'])) * Number(args['overload-seconds']);
  const course = await openCourse({
    capacity: Math.ceil(arrivalsPerRepeat * REPEATS + overloadArrivals + RATE * DURATION_S + 100),
  });
  let underLoad: Record<string, number> = {};
  const sweep = await step('capacity', async () => {
    const measured = await peakRss(() => capacity(course.code, SWEEP, REPEATS, (line) => console.log(line)));
    underLoad = measured.peak;
    return measured.result;
  });
  const overloadRate = sweep ? Math.max(2 * sweep.realKnee.median, SWEEP.rates[0]) : Number(args['overload-rate']);
  // A failure here must not lose the sweep's figures: it is reported in their place.
  const shed = await step('overload', () =>
    overload(course.code, overloadRate, Number(args['overload-seconds']), SWEEP, (line) => console.log(line)).catch(
      (e: unknown) => {
        console.error(e);
        return undefined;
      },
    ),
  );
  const linkOnly = await step('link', () => link(course.code));
  const wakeUp = await step('wake', () => wake(N));
  // MONGO_BENCH_URL measures a candidate server instead of the stack's (docs/mongo-server.md).
  const mongo = await step('mongo', () => mongoStandIn(process.env.MONGO_BENCH_URL || stackEnv().CONTRACT_MONGO_URL));
  machine.loadAverageAtEnd = loadAverage();

  const services = Object.keys(idle).filter((k) => SERVICES.includes(k));
  const idleWorst = Math.max(...services.map((k) => idle[k]));
  const targets = {
    'real knee ≥ 5 contracts/s': sweep && sweep.realKnee.median >= 5,
    'capacity ratio ≥ 0.5': sweep && sweep.ratio !== null && sweep.ratio >= 0.5,
    'link e-mail p95 < 300 ms at half the real knee':
      sweep && sweep.linkEmailP95AtHalfKneeMs !== null && sweep.linkEmailP95AtHalfKneeMs < 300,
    '0 overbooked': seats && seats.overbooked === 0,
    'idle RSS < 150 MB per service': idleWorst < 150,
    'auth_request overhead p50 < 2 ms': gateway && gateway.overheadP50 < 2,
    'draft PDF p95 < 50 ms': pdf && pdf.p95 < 50,
  };
  const report = {
    at: new Date().toISOString(),
    args: { sweep: SWEEP, repeats: REPEATS, rate: RATE, durationS: DURATION_S, n: N, only: [...only] },
    machine,
    capacity: sweep,
    overload: shed,
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
  if (sweep) {
    const knee = (k: { min: number; median: number; max: number }) => `${k.median} (${k.min}–${k.max})`;
    rows[`real knee, contracts/s, median (min–max) of ${REPEATS}`] = { value: knee(sweep.realKnee), target: '≥ 5' };
    rows['no-op knee, contracts/s (the engine alone)'] = { value: knee(sweep.noopKnee), target: '' };
    rows['capacity ratio real / no-op'] = { value: sweep.ratio, target: '≥ 0.5' };
    rows['CRM POST → link e-mail p95 ms at half the real knee'] = {
      value: sweep.linkEmailP95AtHalfKneeMs,
      target: '< 300',
    };
    rows['idle stack CPU, cores'] = { value: sweep.idleCores.total, target: '' };
    rows['CPU-s per contract at the real knee (all stack processes)'] = {
      value: sweep.cpuSecondsPerContractAtKnee,
      target: '',
    };
  }
  if (shed) {
    const codes = Object.entries(shed.statuses)
      .map(([status, n]) => `${status}×${n}`)
      .join(' ');
    rows[`overload ${shed.offeredPerSecond}/s for ${shed.seconds} s: answers`] = { value: codes, target: 'no 500' };
    rows['overload: accepted applications by process state'] = {
      value: `${shed.accepted}: ${JSON.stringify(shed.processes)}`,
      target: 'all COMPLETED',
    };
    rows['overload: s until a new journey is in time again / backlog drained'] = {
      value: `${shed.recoveredAfterS ?? 'never'} / ${shed.drainedAfterS ?? '–'}`,
      target: '',
    };
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
