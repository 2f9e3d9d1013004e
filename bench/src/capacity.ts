import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ApiClient,
  application,
  crmWithReceiver,
  deleteMails,
  EngineApi,
  mailsTo,
  REPO_ROOT,
  stackEnv,
  validForm,
  type ReceivedMail,
  type ReceivedRequest,
} from '@otus/testing';
import { MESSAGES } from '@otus/common';
import { NOOP_PROCESS, noopModel, startNoopWorkers } from './noop-baseline';
import { percentile, pool, round, sleep, summary } from './stats';

/**
 * The capacity of the system, measured as a capacity: open-loop arrivals at a sweep of rates,
 * each journey timed from its start to the end of its process instance in engine history, every
 * failure counted. The same sweep runs against the real services and against workers that do
 * nothing (the engine's own limit on this machine); the ratio of their knees is the capacity ratio.
 */
export interface SweepOptions {
  rates: number[];
  /** Arrivals before the measured ones, to reach a steady state; they run but are not counted. */
  warmupS: number;
  /** Measured arrivals: `measureS` seconds, at least `minArrivals` of them. */
  measureS: number;
  minArrivals: number;
  /** A journey not ended within this long is a failure. */
  timeoutS: number;
  /** The knee: the highest rate with no failure and journey p95 under this bound. */
  p95BoundMs: number;
}

/** One journey as the driver saw it; `endedAt` comes from engine history once the step is drained. */
interface Run {
  measured: boolean;
  startedAt: number;
  /** Once the CRM's POST was accepted. */
  applicationId?: string;
  processInstanceId?: string;
  failure?: string;
  /** Every HTTP status the journey got, for the overload report. */
  statuses: number[];
}

export interface StepResult {
  offeredPerSecond: number;
  arrivals: number;
  concluded: number;
  /** Concluded journeys of the window / the window's length. */
  completedPerSecond: number;
  failed: number;
  failures: Record<string, number>;
  /** Start → process end; a failed journey counts as endless, so it is never dropped (null = endless). */
  journeyMs: { p50: number | null; p95: number | null; p99: number | null };
  /** Per task of the model: created → completed, from history (queue wait + fetch + handler + completion). */
  hopsMs: Record<string, { n: number; p50: number; p95: number; p99: number }>;
  /** Per topic: the handler's own mean time (the services' worker histograms); the rest of a hop is the engine's. */
  handlerMeanMs?: Record<string, number>;
  /** CRM POST → the link e-mail task ended (SMTP accepted it). */
  crmPostToLinkEmailMs?: { n: number; p50: number; p95: number; p99: number };
  cpuSecondsPerContract: { total: number | null; byComponent: Record<string, number> };
  withinBound: boolean;
}

const toNull = (n: number) => (Number.isFinite(n) ? round(n) : null);

function censoredSummary(values: number[]) {
  return {
    p50: toNull(percentile(values, 50)),
    p95: toNull(percentile(values, 95)),
    p99: toNull(percentile(values, 99)),
  };
}

/** CPU time (s) of every process the stack runs, each with its children (PostgreSQL's backends), from /proc. */
export function cpuSeconds(): Record<string, number> {
  const ticks = 100; // USER_HZ on Linux
  const parent = new Map<number, number>();
  const own = new Map<number, number>();
  for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
    try {
      // The command may hold spaces and parentheses: the fields start after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parent.set(Number(entry), Number(fields[1]));
      // utime, stime, cutime, cstime: fields 14–17 of stat, 12–15 here.
      own.set(Number(entry), fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / ticks);
    } catch {
      // gone meanwhile
    }
  }
  const rootOf = (pid: number, roots: Map<number, string>): string | undefined => {
    for (let p: number | undefined = pid; p && p > 1; p = parent.get(p)) if (roots.has(p)) return roots.get(p);
    return undefined;
  };
  const runDir = join(REPO_ROOT, '.stack/run');
  const roots = new Map<number, string>();
  for (const file of readdirSync(runDir).filter((f) => f.endsWith('.pid'))) {
    const { pid } = JSON.parse(readFileSync(join(runDir, file), 'utf8')) as { pid: number };
    roots.set(pid, file.replace('.pid', '').replace(/^nginx.*/, 'gateway'));
  }
  roots.set(process.pid, 'bench (clients, no-op workers)');
  const result: Record<string, number> = {};
  for (const [pid, seconds] of own) {
    const root = rootOf(pid, roots);
    if (root) result[root] = round((result[root] ?? 0) + seconds, 2);
  }
  return result;
}

const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.keys(after).map((k) => [k, after[k] - (before[k] ?? 0)]));

/** Sum and count of the worker handler histogram per topic, summed over the services' metrics endpoints. */
async function handlerTotals(): Promise<Record<string, { sum: number; count: number }>> {
  const env = stackEnv() as Record<string, string>;
  const ports = Object.entries(env)
    .filter(([k]) => k.endsWith('_METRICS_PORT'))
    .map(([, v]) => v);
  const totals: Record<string, { sum: number; count: number }> = {};
  await Promise.all(
    ports.map(async (port) => {
      const text = await fetch(`http://127.0.0.1:${port}/metrics`)
        .then((r) => r.text())
        .catch(() => '');
      for (const m of text.matchAll(
        /^worker_task_duration_seconds_(sum|count)\{[^}]*topic="([^"]+)"[^}]*\} (\S+)$/gm,
      )) {
        const t = (totals[m[2]] ??= { sum: 0, count: 0 });
        t[m[1] as 'sum' | 'count'] += Number(m[3]);
      }
    }),
  );
  return totals;
}

/** Start, end and service-task durations of each instance, read once the step has drained. */
async function history(engine: EngineApi, processInstanceId: string) {
  const instance = await engine.request<{ state: string; startTime: string; endTime: string | null }>(
    'GET',
    `/history/process-instance/${processInstanceId}`,
  );
  const activities = await engine.request<{ activityId: string; startTime: string; endTime: string | null }[]>(
    'GET',
    `/history/activity-instance?processInstanceId=${processInstanceId}&activityType=serviceTask&finished=true`,
  );
  return { instance, activities };
}

type Journey = (run: Run, deadline: number) => Promise<void>;

/**
 * Starts `count` journeys `rate` times a second whether earlier ones ended or not (the first
 * `unmeasured` of them only load the system); resolves once the last has started, with a promise
 * of them all ending. A journey not ended by its deadline is a failure.
 */
async function arrive(rate: number, count: number, unmeasured: number, timeoutS: number, journey: Journey) {
  const runs: Run[] = [];
  const journeys: Promise<void>[] = [];
  const t0 = Date.now();
  for (let i = 0; i < count; i++) {
    await sleep(Math.max(0, t0 + (i * 1000) / rate - Date.now()));
    const run: Run = { measured: i >= unmeasured, startedAt: Date.now(), statuses: [] };
    runs.push(run);
    const deadline = run.startedAt + timeoutS * 1000;
    journeys.push(
      Promise.race([
        journey(run, deadline),
        sleep(deadline - Date.now()).then(() => {
          throw new Error('timeout');
        }),
      ]).catch((e: unknown) => {
        run.failure ??= (e as Error).message.replace(/[0-9a-f-]{36}/g, '…');
      }),
    );
  }
  return { runs, ended: Promise.all(journeys) };
}

/** Warm-up arrivals, then the measured ones; resolves when all have ended. */
async function openLoop(
  rate: number,
  options: SweepOptions,
  journey: Journey,
): Promise<{ runs: Run[]; windowS: number }> {
  const warmup = Math.round(rate * options.warmupS);
  const measured = Math.max(options.minArrivals, Math.round(rate * options.measureS));
  const { runs, ended } = await arrive(rate, warmup + measured, warmup, options.timeoutS, journey);
  await ended;
  return { runs, windowS: measured / rate };
}

async function measureStep(
  rate: number,
  options: SweepOptions,
  journey: Journey,
  crmPosted?: Map<Run, number>,
): Promise<StepResult> {
  const engine = new EngineApi(stackEnv().CAMUNDA_REST_URL);
  const cpuBefore = cpuSeconds();
  const handlersBefore = await handlerTotals();
  const { runs, windowS } = await openLoop(rate, options, journey);
  const cpu = diff(cpuSeconds(), cpuBefore);
  const handlersAfter = await handlerTotals();

  const ended = await pool(runs, 8, async (run) => {
    if (run.failure || !run.processInstanceId) return { run, ms: Infinity };
    // The CRM hears of the outcome from one branch; the instance ends when its last branch has.
    let { instance, activities } = await history(engine, run.processInstanceId);
    while (instance.state === 'ACTIVE' && Date.now() < run.startedAt + options.timeoutS * 1000) {
      await sleep(250);
      ({ instance, activities } = await history(engine, run.processInstanceId));
    }
    if (instance.state !== 'COMPLETED' || !instance.endTime) {
      run.failure = `process ${instance.state}`;
      return { run, ms: Infinity };
    }
    return { run, ms: Date.parse(instance.endTime) - run.startedAt, activities };
  });
  const measured = ended.filter((e) => e.run.measured);
  const concludedAll = ended.filter((e) => Number.isFinite(e.ms)).length;
  const failures: Record<string, number> = {};
  for (const { run } of measured) if (run.failure) failures[run.failure] = (failures[run.failure] ?? 0) + 1;
  const concluded = measured.filter((e) => Number.isFinite(e.ms)).length;
  const journeyMs = censoredSummary(measured.map((e) => e.ms));

  const hops: Record<string, number[]> = {};
  const linkMs: number[] = [];
  for (const { run, activities = [] } of measured) {
    for (const a of activities) {
      (hops[a.activityId] ??= []).push(Date.parse(a.endTime!) - Date.parse(a.startTime));
      if (a.activityId === 'Task_EmailLink' && crmPosted?.has(run))
        linkMs.push(Date.parse(a.endTime!) - crmPosted.get(run)!);
    }
  }
  const handlerMeanMs: Record<string, number> = {};
  for (const [topic, after] of Object.entries(handlersAfter)) {
    const before = handlersBefore[topic] ?? { sum: 0, count: 0 };
    if (after.count > before.count) {
      handlerMeanMs[topic] = round(((after.sum - before.sum) / (after.count - before.count)) * 1000);
    }
  }
  const system = Object.entries(cpu).filter(([k]) => !k.startsWith('bench'));
  const systemSeconds = system.reduce((sum, [, s]) => sum + s, 0);
  const failed = measured.length - concluded;
  return {
    offeredPerSecond: rate,
    arrivals: measured.length,
    concluded,
    completedPerSecond: round(concluded / windowS, 2),
    failed,
    failures,
    journeyMs,
    hopsMs: Object.fromEntries(Object.entries(hops).map(([k, v]) => [k, summary(v)])),
    handlerMeanMs: Object.keys(handlerMeanMs).length ? handlerMeanMs : undefined,
    crmPostToLinkEmailMs: linkMs.length ? summary(linkMs) : undefined,
    cpuSecondsPerContract: {
      total: concludedAll ? round(systemSeconds / concludedAll, 3) : null,
      byComponent: Object.fromEntries(
        Object.entries(cpu).map(([k, s]) => [k, concludedAll ? round(s / concludedAll, 3) : s]),
      ),
    },
    withinBound: failed === 0 && journeyMs.p95 !== null && journeyMs.p95 <= options.p95BoundMs,
  };
}

/** Rates in order until the first one past the knee (the next ones would only be slower to fail). */
async function sweep(options: SweepOptions, step: (rate: number) => Promise<StepResult>, log: (s: string) => void) {
  const steps: StepResult[] = [];
  for (const rate of options.rates) {
    const result = await step(rate);
    steps.push(result);
    log(
      `  ${rate}/s: ${result.concluded}/${result.arrivals} concluded, ${result.failed} failed, ` +
        `journey p50/p95 ${result.journeyMs.p50 ?? '∞'}/${result.journeyMs.p95 ?? '∞'} ms, ` +
        `${result.cpuSecondsPerContract.total ?? '–'} CPU-s per contract`,
    );
    if (!result.withinBound) break;
    // Let the engine's job executor and the workers settle before the next rate.
    await sleep(3_000);
  }
  const knee = steps.filter((s) => s.withinBound).at(-1)?.offeredPerSecond ?? 0;
  return { knee, steps };
}

/**
 * Webhooks the CRM stand-in receives, waited on as they arrive: `wait(applicationId, types)`
 * resolves with the first of `types` (or any final event, which ends the journey another way).
 */
function webhookWaiters() {
  const seen = new Map<string, { type: string; final: boolean; outcome: string }[]>();
  const waiters = new Map<string, () => void>();
  const onRequest = (request: ReceivedRequest) => {
    const event = JSON.parse(request.rawBody) as {
      applicationId: string;
      type: string;
      final: boolean;
      outcome: string;
    };
    seen.set(event.applicationId, [...(seen.get(event.applicationId) ?? []), event]);
    waiters.get(event.applicationId)?.();
  };
  const wait = async (applicationId: string, types: string[]) => {
    for (;;) {
      const events = seen.get(applicationId) ?? [];
      const found = events.find((e) => types.includes(e.type)) ?? events.find((e) => e.final);
      if (found) return found;
      await new Promise<void>((resolve) => waiters.set(applicationId, resolve));
    }
  };
  const forget = (applicationId: string) => {
    seen.delete(applicationId);
    waiters.delete(applicationId);
  };
  return { onRequest, wait, forget };
}

/** Loopback addresses for the simulated clients, one each: 127.100.0.1, 127.100.0.2, … */
function clientAddresses() {
  let n = 0;
  return () => {
    n++;
    return `127.100.${(n >> 8) & 255}.${n & 255 || 1}`;
  };
}

async function mailOnce(address: string, subject: RegExp, deadline: number): Promise<ReceivedMail> {
  // The e-mail task ends after SMTP accepted the message; MailDev may show it a moment later.
  for (let wait = 50; Date.now() < deadline; wait = Math.min(wait * 2, 1_000)) {
    const mail = (await mailsTo(address)).find((m) => subject.test(m.subject));
    if (mail) {
      await deleteMails([mail]);
      return mail;
    }
    await sleep(wait);
  }
  throw new Error(`no e-mail "${subject.source}"`);
}

/**
 * The real journey, driven by what the CRM and the client are told: the CRM posts, the link
 * e-mail (announced to the CRM by `link.sent`) is read once, the client — from its own address —
 * opens the link, submits the form, waits for `draft.ready`, asks for the code, signs, and the
 * journey ends with the process (engine history).
 */
export async function realJourneys(courseCode: string, patient = false) {
  const webhooks = webhookWaiters();
  const { amo, receiver } = await crmWithReceiver(webhooks.onRequest);
  const nextAddress = clientAddresses();
  const gateway = stackEnv().GATEWAY_URL;
  const posted = new Map<Run, number>();
  /**
   * One request of the journey. A well-behaved client (`patient`) waits as long as a 429 or 503
   * tells it in Retry-After and tries again, a few times; otherwise any other answer than
   * `expected` ends the journey as a failure.
   */
  const send = async <T extends { status: number; headers: Headers }>(
    run: Run,
    step: string,
    expected: number | number[],
    call: () => Promise<T>,
  ): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      const answer = await call();
      run.statuses.push(answer.status);
      if ([expected].flat().includes(answer.status)) return answer;
      const retryAfter = Number(answer.headers.get('retry-after'));
      if (!patient || ![429, 503].includes(answer.status) || !retryAfter || attempt >= 10) {
        throw new Error(`${step} ${answer.status}`);
      }
      await sleep(retryAfter * 1000);
    }
  };
  const journey: Journey = async (run, deadline) => {
    const email = `cap-${randomUUID().slice(0, 12)}@example.test`;
    posted.set(run, Date.now());
    const dto = application(courseCode, { clientEmail: email });
    // Posted again after a 503, the same application is 200.
    const created = await send(run, 'CRM POST', [201, 200], () => amo.post('/applications', dto));
    const applicationId = created.body.applicationId as string;
    run.applicationId = applicationId;
    run.processInstanceId = (created.body.processInstanceId as string | undefined) ?? undefined;
    try {
      const linkSent = await webhooks.wait(applicationId, ['link.sent']);
      if (linkSent.type !== 'link.sent') throw new Error(`outcome ${linkSent.outcome}`);
      const linkMail = await mailOnce(email, /^Оформление договора/, deadline);
      const token = /\/l\/([A-Za-z0-9_-]{43})/.exec(linkMail.text)![1];
      const from = nextAddress();
      const exchange = await send(run, 'link exchange', 200, () =>
        new ApiClient(gateway).from(from).post('/api/user/client-links/exchange', { token }),
      );
      const cookie = exchange.headers.get('set-cookie')!.split(';')[0];
      const client = new ApiClient(
        `${gateway}/client/api/applications/${applicationId}`,
        undefined,
        {},
        from,
      ).withHeaders({
        cookie,
      });
      await send(run, 'form', 204, () => client.post('/form', validForm()));
      const draft = await webhooks.wait(applicationId, ['draft.ready']);
      if (draft.type !== 'draft.ready') throw new Error(`outcome ${draft.outcome}`);
      await send(run, 'signing code', 200, () => client.post('/signing-code'));
      const codeMail = await mailOnce(email, /^Код для подписания/, deadline);
      const signingCode = /\b(\d{6})\b/.exec(codeMail.text)![1];
      await send(run, 'signature', 204, () => client.post('/signature', { signingCode }));
      const outcome = await webhooks.wait(applicationId, ['contract.signed']);
      if (outcome.type !== 'contract.signed') throw new Error(`outcome ${outcome.outcome}`);
      await mailOnce(email, /подписан$/, deadline);
      run.processInstanceId ??= await instanceOf(applicationId);
    } finally {
      webhooks.forget(applicationId);
    }
  };
  return { journey, posted, close: () => receiver.close() };
}

async function instanceOf(businessKey: string): Promise<string | undefined> {
  const engine = new EngineApi(stackEnv().CAMUNDA_REST_URL);
  const [instance] = await engine.request<{ id: string }[]>(
    'GET',
    `/history/process-instance?processInstanceBusinessKey=${businessKey}`,
  );
  return instance?.id;
}

/** The engine answers a message the instance is not waiting for yet, or one that met a concurrent change, with an error. */
const NOT_YET =
  /MismatchingMessageCorrelation|No process definition or execution matches|OptimisticLocking|ENGINE-03077/;

/**
 * The same model with workers that do nothing: started over REST, its two messages sent when the
 * task before each wait has been handled (the no-op workers say so in-process, nothing polls).
 */
export async function noopJourneys() {
  const engine = new EngineApi(stackEnv().CAMUNDA_REST_URL);
  await engine.deploy(NOOP_PROCESS, { [`${NOOP_PROCESS}.bpmn`]: noopModel() });
  const handled = new Map<string, () => void>();
  const key = (activityId: string, businessKey: string) => `${businessKey}/${activityId}`;
  const workers = await startNoopWorkers((activityId, businessKey) => handled.get(key(activityId, businessKey))?.());
  const after = (activityId: string, businessKey: string) =>
    new Promise<void>((resolve) => handled.set(key(activityId, businessKey), resolve)).finally(() =>
      handled.delete(key(activityId, businessKey)),
    );
  const correlate = async (messageName: string, businessKey: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await engine.request('POST', '/message', { messageName, businessKey });
      } catch (e) {
        if (attempt >= 40 || !NOT_YET.test(String(e))) throw e;
        await sleep(Math.min(25 * attempt, 250));
      }
    }
  };
  const journey: Journey = async (run) => {
    const businessKey = `noop-${randomUUID()}`;
    const linkEmailed = after('Task_EmailLink', businessKey);
    const draftMade = after('Task_GenerateDraft', businessKey);
    const staffTold = after('Task_StaffNoticeConcluded', businessKey);
    const { id } = await engine.start(NOOP_PROCESS, businessKey, {
      applicationId: businessKey,
      linkTtl: 'PT1H',
      signTtl: 'PT1H',
      linkReminderAfter: 'PT30M',
    });
    run.processInstanceId = id;
    await linkEmailed;
    await correlate(MESSAGES.clientDataSubmitted, businessKey);
    await draftMade;
    await correlate(MESSAGES.contractSigned, businessKey);
    await staffTold;
    // The instance ends once the last parallel branch has; history has the moment.
    for (let wait = 20; (await engine.historicInstance(id)).state !== 'COMPLETED'; wait = Math.min(wait * 2, 500)) {
      await sleep(wait);
    }
  };
  return { journey, close: () => Promise.all(workers.map((w) => w.close())) };
}

export interface CapacityReport {
  options: SweepOptions;
  /** CPU the stack burns with nothing to do (polls, sweeps, scrapes), in cores, over 20 s before the sweeps. */
  idleCores: { total: number; byComponent: Record<string, number> };
  repeats: { real: { knee: number; steps: StepResult[] }; noop: { knee: number; steps: StepResult[] } }[];
  realKnee: { min: number; median: number; max: number };
  noopKnee: { min: number; median: number; max: number };
  /** Median real knee / median no-op knee. */
  ratio: number | null;
  /** At the swept rate nearest half the median real knee, the median over repeats. */
  linkEmailP95AtHalfKneeMs: number | null;
  cpuSecondsPerContractAtKnee: number | null;
}

const spread = (values: number[]) => ({
  min: Math.min(...values),
  median: percentile(values, 50),
  max: Math.max(...values),
});

export async function capacity(
  courseCode: string,
  options: SweepOptions,
  repeats: number,
  log: (s: string) => void,
): Promise<CapacityReport> {
  const idleBefore = cpuSeconds();
  await sleep(20_000);
  const idle = Object.entries(diff(cpuSeconds(), idleBefore))
    .filter(([k]) => !k.startsWith('bench'))
    .map(([k, s]) => [k, round(s / 20, 3)] as const);
  const idleCores = {
    total: round(
      idle.reduce((sum, [, c]) => sum + c, 0),
      3,
    ),
    byComponent: Object.fromEntries(idle),
  };
  log(`idle stack: ${idleCores.total} cores`);
  const real = await realJourneys(courseCode);
  const noop = await noopJourneys();
  const results: CapacityReport['repeats'] = [];
  try {
    for (let r = 1; r <= repeats; r++) {
      log(`capacity, repeat ${r}/${repeats}: real services`);
      const realSweep = await sweep(options, (rate) => measureStep(rate, options, real.journey, real.posted), log);
      log(`capacity, repeat ${r}/${repeats}: no-op workers`);
      const noopSweep = await sweep(options, (rate) => measureStep(rate, options, noop.journey), log);
      results.push({ real: realSweep, noop: noopSweep });
    }
  } finally {
    await real.close();
    await noop.close();
  }
  const realKnee = spread(results.map((r) => r.real.knee));
  const noopKnee = spread(results.map((r) => r.noop.knee));
  const half = realKnee.median / 2;
  const nearestHalf = (steps: StepResult[]) =>
    steps.reduce<StepResult | undefined>(
      (best, s) => (!best || Math.abs(s.offeredPerSecond - half) < Math.abs(best.offeredPerSecond - half) ? s : best),
      undefined,
    );
  const linkP95s = results
    .map((r) => nearestHalf(r.real.steps)?.crmPostToLinkEmailMs?.p95)
    .filter((v) => v !== undefined);
  const cpuAtKnee = results
    .map((r) => r.real.steps.find((s) => s.offeredPerSecond === r.real.knee)?.cpuSecondsPerContract.total)
    .filter((v): v is number => typeof v === 'number');
  return {
    options,
    idleCores,
    repeats: results,
    realKnee,
    noopKnee,
    ratio: noopKnee.median ? round(realKnee.median / noopKnee.median, 2) : null,
    linkEmailP95AtHalfKneeMs: linkP95s.length ? percentile(linkP95s, 50) : null,
    cpuSecondsPerContractAtKnee: cpuAtKnee.length ? percentile(cpuAtKnee, 50) : null,
  };
}

export interface OverloadReport {
  offeredPerSecond: number;
  seconds: number;
  /** Every answer the clients and the CRM got, by status. */
  statuses: Record<string, number>;
  accepted: number;
  /** The accepted applications' processes by state, a while after the load stopped. */
  processes: Record<string, number>;
  clientFailures: Record<string, number>;
  /** From the last arrival until the last accepted application's process ended. */
  drainedAfterS: number | null;
  /** From the last arrival until a single new journey concluded within the p95 bound again. */
  recoveredAfterS: number | null;
}

/**
 * Past the knee: `rate` arrivals a second for `seconds`, every client patient (it waits out a
 * 429/503 as Retry-After says). Reports what they were told, whether every accepted application
 * reached an end, and how long the system took to serve a new client in time again.
 */
export async function overload(
  courseCode: string,
  rate: number,
  seconds: number,
  options: SweepOptions,
  log: (s: string) => void,
): Promise<OverloadReport> {
  const engine = new EngineApi(stackEnv().CAMUNDA_REST_URL);
  const real = await realJourneys(courseCode, true);
  try {
    log(`overload: ${rate}/s for ${seconds} s`);
    const { runs, ended } = await arrive(rate, Math.round(rate * seconds), 0, 900, real.journey);
    const loadEnded = Date.now();
    let recoveredAfterS: number | null = null;
    while (recoveredAfterS === null && Date.now() - loadEnded < 300_000) {
      const probe: Run = { measured: true, startedAt: Date.now(), statuses: [] };
      const inTime = await Promise.race([
        real.journey(probe, probe.startedAt + options.p95BoundMs).then(
          () => true,
          () => false,
        ),
        sleep(options.p95BoundMs).then(() => false),
      ]);
      if (inTime) recoveredAfterS = round((probe.startedAt - loadEnded) / 1000);
      else await sleep(Math.max(0, probe.startedAt + 5_000 - Date.now()));
    }
    await ended;
    const statuses: Record<string, number> = {};
    const clientFailures: Record<string, number> = {};
    for (const run of runs) {
      for (const status of run.statuses) statuses[status] = (statuses[status] ?? 0) + 1;
      if (run.failure) clientFailures[run.failure] = (clientFailures[run.failure] ?? 0) + 1;
    }
    const accepted = runs.filter((r) => r.applicationId);
    const processes: Record<string, number> = {};
    let lastEnd = 0;
    await pool(accepted, 8, async (run) => {
      run.processInstanceId ??= await instanceOf(run.applicationId!);
      if (!run.processInstanceId) {
        processes['NOT STARTED'] = (processes['NOT STARTED'] ?? 0) + 1;
        return;
      }
      let { instance } = await history(engine, run.processInstanceId);
      for (const until = Date.now() + 60_000; instance.state === 'ACTIVE' && Date.now() < until;) {
        await sleep(1_000);
        ({ instance } = await history(engine, run.processInstanceId));
      }
      processes[instance.state] = (processes[instance.state] ?? 0) + 1;
      if (instance.endTime) lastEnd = Math.max(lastEnd, Date.parse(instance.endTime));
    });
    const report = {
      offeredPerSecond: rate,
      seconds,
      statuses,
      accepted: accepted.length,
      processes,
      clientFailures,
      drainedAfterS: lastEnd ? round((lastEnd - loadEnded) / 1000) : null,
      recoveredAfterS,
    };
    log(`  ${JSON.stringify(report)}`);
    return report;
  } finally {
    await real.close();
  }
}
