import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  ApiClient,
  craftedToken,
  createTestApp,
  EngineApi,
  openCourse,
  REPO_ROOT,
  stackEnv,
  staffToken,
  validForm,
} from '@otus/testing';
import { workerMetrics } from '@otus/common';
import { DataSource } from 'typeorm';
import { percentile, pool, round, sleep, summary } from './stats';

/** Resident memory (MB) of every process the stack runs, by component, from /proc. */
export function rss(): Record<string, number> {
  const runDir = join(REPO_ROOT, '.stack/run');
  const result: Record<string, number> = {};
  for (const file of readdirSync(runDir).filter((f) => f.endsWith('.pid') && !f.startsWith('nginx'))) {
    const { pid } = JSON.parse(readFileSync(join(runDir, file), 'utf8')) as { pid: number };
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      result[file.replace('.pid', '')] = round(kb / 1024);
    } catch {
      // not running
    }
  }
  return result;
}

/** Samples RSS every second while `work` runs; keeps each component's peak. */
export async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: Record<string, number> }> {
  const peak: Record<string, number> = {};
  let running = true;
  const sampler = (async () => {
    while (running) {
      for (const [name, mb] of Object.entries(rss())) peak[name] = Math.max(peak[name] ?? 0, mb);
      await sleep(1000);
    }
  })();
  try {
    return { result: await work(), peak };
  } finally {
    running = false;
    await sampler;
  }
}

const SEAT_PROCESS = 'bench-seat-contention';
const SEAT_GO = 'BenchSeatsGo';
const SEAT_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="BenchSeats" targetNamespace="https://otus.ru/bench">
  <bpmn:message id="MsgGo" name="${SEAT_GO}" />
  <bpmn:error id="ErrNoSeats" name="No seats" errorCode="NO_SEATS" />
  <bpmn:process id="${SEAT_PROCESS}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="ToGo" sourceRef="Start" targetRef="Go" />
    <bpmn:intermediateCatchEvent id="Go"><bpmn:messageEventDefinition messageRef="MsgGo" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="ToHold" sourceRef="Go" targetRef="Hold" />
    <bpmn:serviceTask id="Hold" camunda:type="external" camunda:topic="course.hold-seat" />
    <bpmn:sequenceFlow id="ToHeld" sourceRef="Hold" targetRef="Held" />
    <bpmn:endEvent id="Held" />
    <bpmn:boundaryEvent id="OnNoSeats" attachedToRef="Hold"><bpmn:errorEventDefinition errorRef="ErrNoSeats" /></bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="ToNoSeats" sourceRef="OnNoSeats" targetRef="NoSeats" />
    <bpmn:endEvent id="NoSeats" />
  </bpmn:process>
</bpmn:definitions>`;

const fetchedHere = async () =>
  (await workerMetrics.fetched.get()).values
    .filter((v) => v.labels.topic === 'course.hold-seat')
    .reduce((sum, v) => sum + v.value, 0);

/**
 * Holds for `holds` applications at once on a course of `seats`, with two course workers:
 * the stack's and a second replica in this process. Every instance first waits for one
 * message; a single correlation releases all of them, so all holds compete at the same moment.
 */
export async function seatContention(holds: number, seats: number) {
  const env = stackEnv();
  const engine = new EngineApi(env.CAMUNDA_REST_URL);
  await engine.deploy(SEAT_PROCESS, { [`${SEAT_PROCESS}.bpmn`]: SEAT_BPMN });
  const course = await openCourse({ capacity: seats });
  const ids = await pool(Array.from({ length: holds }), 10, async () => {
    const applicationId = randomUUID();
    const vars = { applicationId, courseCode: course.code, signTtl: 'PT1H' };
    return (await engine.start(SEAT_PROCESS, applicationId, vars)).id;
  });
  const { AppModule } = (await import(join(REPO_ROOT, 'services/course/dist/app.module.js'))) as { AppModule: unknown };
  const replica: INestApplication = await createTestApp(AppModule);
  try {
    const fetchedBefore = await fetchedHere();
    const started = Date.now();
    await engine.request('POST', '/message', {
      messageName: SEAT_GO,
      all: true,
      correlationKeys: { courseCode: { value: course.code, type: 'String' } },
    });
    for (;;) {
      const { count } = await engine.request<{ count: number }>('POST', '/history/process-instance/count', {
        processInstanceIds: ids,
        finished: true,
      });
      if (count === holds) break;
      await sleep(50);
    }
    const seconds = (Date.now() - started) / 1000;
    const db = await new DataSource({ type: 'postgres', url: env.COURSE_DB_URL }).initialize();
    const [{ held }] = (await db.query(
      `SELECT count(*)::int AS held FROM seat_holds WHERE course_id = $1 AND status = 'held'`,
      [course.id],
    )) as { held: number }[];
    await db.destroy();
    return {
      holds,
      seats,
      seconds: round(seconds, 2),
      holdsPerSecond: round(holds / seconds),
      held,
      overbooked: Math.max(held - seats, 0),
      byReplica: round((await fetchedHere()) - fetchedBefore, 0),
    };
  } finally {
    await replica.close();
  }
}

/**
 * The same staff read through NGINX (auth_request to the user service) and straight to the
 * service; beside them the user service's auth check alone, which is what auth_request adds.
 * Then what an attacker's tokens cost: garbage (`Bearer x`) and well-formed JWTs under random
 * kids, one at a time through the gateway and to the check alone, and requests per second
 * with 20 in flight for a valid and a garbage token.
 */
export async function gatewayOverhead(requests: number) {
  const env = stackEnv();
  const token = await staffToken();
  const time = async (client: ApiClient, path: string, expected: (status: number) => boolean, tokens?: string[]) => {
    const samples: number[] = [];
    for (let i = 0; i < requests; i++) {
      const t0 = process.hrtime.bigint();
      const { status } = await (tokens ? client.withToken(tokens[i % tokens.length]) : client).get(path);
      if (!expected(status)) throw new Error(`${path}: status ${status}`);
      samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    return samples;
  };
  const ok = (s: number) => s >= 200 && s <= 299;
  const refused = (s: number) => s === 401;
  const gatewayCourse = new ApiClient(`${env.GATEWAY_URL}/api/course`, token);
  const userCheck = new ApiClient(`http://${env.STACK_HOST}:${env.USER_PORT}`, token);
  const viaGateway = await time(gatewayCourse, '/courses?pageSize=1', ok);
  const direct = await time(
    new ApiClient(`http://${env.STACK_HOST}:${env.COURSE_PORT}`, token),
    '/courses?pageSize=1',
    ok,
  );
  const authCheck = await time(userCheck, '/auth/check/staff', ok);
  // Well-formed ES256 JWTs under kids nobody published: what a token-guessing attacker sends.
  const randomKids: string[] = [];
  for (let i = 0; i < 20; i++) randomKids.push(await craftedToken({ forged: true, kid: `k-${randomUUID()}` }));
  const garbageViaGateway = await time(gatewayCourse, '/courses?pageSize=1', refused, ['x']);
  const randomKidViaGateway = await time(gatewayCourse, '/courses?pageSize=1', refused, randomKids);
  const garbageAuthCheck = await time(userCheck, '/auth/check/staff', refused, ['x']);
  const randomKidAuthCheck = await time(userCheck, '/auth/check/staff', refused, randomKids);
  const perSecond = async (client: ApiClient, expected: (status: number) => boolean) => {
    const count = requests * 4;
    const t0 = Date.now();
    await pool(Array.from({ length: count }), 20, async () => {
      const { status } = await client.get('/courses?pageSize=1');
      if (!expected(status)) throw new Error(`status ${status}`);
    });
    return round((count / (Date.now() - t0)) * 1000);
  };
  return {
    requests,
    gateway: summary(viaGateway),
    direct: summary(direct),
    authCheckAlone: summary(authCheck),
    overheadP50: round(percentile(viaGateway, 50) - percentile(direct, 50), 2),
    overheadP95: round(percentile(viaGateway, 95) - percentile(direct, 95), 2),
    garbageToken: { viaGateway: summary(garbageViaGateway), authCheckAlone: summary(garbageAuthCheck) },
    randomKidToken: { viaGateway: summary(randomKidViaGateway), authCheckAlone: summary(randomKidAuthCheck) },
    requestsPerSecond: {
      validToken: await perSecond(gatewayCourse, ok),
      garbageToken: await perSecond(gatewayCourse.withToken('x'), refused),
    },
  };
}

/** Draft rendering alone, in this process, after a warm-up. */
export async function pdfRendering(count: number) {
  const { ContractPdfRenderer } = (await import(
    join(REPO_ROOT, 'services/contract/dist/documents/pdf/contract-pdf.renderer.js')
  )) as {
    ContractPdfRenderer: new () => { renderDraft(p: unknown, t: unknown, d: Date): Promise<{ pdf: Buffer }> };
  };
  const renderer = new ContractPdfRenderer();
  // The form's fields, and the e-mail the CRM gave (the form does not ask for it).
  const parties = { applicationId: randomUUID(), ...validForm(), email: 'client@example.org' };
  const terms = {
    courseCode: 'NODEJS',
    courseTitle: 'Разработчик Node.js',
    courseStartDate: '2027-02-01',
    priceKopecks: 9_900_000,
    discountKopecks: 990_000,
    finalPriceKopecks: 8_910_000,
    promoCode: 'SPRING10',
  };
  for (let i = 0; i < 5; i++) await renderer.renderDraft(parties, terms, new Date());
  const times: number[] = [];
  let size = 0;
  await pool(Array.from({ length: count }), 1, async () => {
    const t0 = process.hrtime.bigint();
    size = (await renderer.renderDraft(parties, terms, new Date())).pdf.length;
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  });
  return { ...summary(times), sizeKb: round(size / 1024) };
}
