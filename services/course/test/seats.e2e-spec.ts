import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  ApiClient,
  createTestApp,
  EngineApi,
  metricSum,
  oneTaskProcess,
  serviceMetric,
  stackEnv,
  staffToken,
  waitFor,
} from '@otus/testing';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { SeatHoldStatus } from '../src/seats/seat-hold.entity';
import { SeatService } from '../src/seats/seat.service';
import { HoldSeatHandler } from '../src/worker/hold-seat.handler';
import { CONTRACT_PROCESS_KEY } from '@otus/common';

/**
 * Seats against real PostgreSQL and the real engine. A second course service runs in this
 * process beside the stack's, so every engine-driven test has two worker instances competing.
 */
const env = stackEnv();
const engine = new EngineApi(env.CAMUNDA_REST_URL);
const DAY = 86_400_000;
const PROCESS = 'seat-contention-test';
const BPMN = oneTaskProcess({ key: PROCESS, topic: 'course.hold-seat', caught: { NO_SEATS: 'NoSeats' } });
/** One process per calendar-aware topic; COURSE_UNAVAILABLE ends at Unavailable. */
const CALENDAR = {
  hold: { key: 'seat-calendar-hold-test', topic: 'course.hold-seat' },
  confirm: { key: 'seat-calendar-confirm-test', topic: 'course.confirm-seat' },
  extend: { key: 'seat-calendar-extend-test', topic: 'course.extend-hold' },
};

let app: INestApplication;
let seats: SeatService;
let db: DataSource;
let admin: ApiClient;

async function newCourse(capacity: number, overrides: Record<string, unknown> = {}) {
  const { status, body } = await admin.post('/courses', {
    code: `S-${randomUUID().slice(0, 8)}`,
    title: 'Seats test',
    startDate: new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10),
    enrolmentDeadline: new Date(Date.now() + 20 * DAY).toISOString(),
    priceKopecks: 100_000,
    capacity,
    status: 'open',
    ...overrides,
  });
  expect(status).toBe(201);
  return body as { id: string; code: string };
}

const HOLD_FETCHED = { topic: 'course.hold-seat' };
const fetchedHere = async () => metricSum(await register.metrics(), 'worker_tasks_fetched_total', HOLD_FETCHED);
const fetchedByStack = () => serviceMetric('course', 'worker_tasks_fetched_total', HOLD_FETCHED);

/** Runs one task of `key` to its end: which end event, and the variables the process was left with. */
async function runTask(key: string, variables: Record<string, unknown>) {
  const { id } = await engine.start(key, String(variables.applicationId), variables);
  await waitFor(`process ${key} to end`, async () => (await engine.historicInstance(id)).state === 'COMPLETED');
  const end = (await engine.activities(id)).find((a) => a.activityType === 'noneEndEvent');
  return { end: end?.activityId, variables: await engine.variables(id) };
}

const holdExpiry = async (applicationId: string) =>
  (
    (await db.query('SELECT expires_at FROM seat_holds WHERE application_id = $1', [applicationId]))[0]?.expires_at as
      Date | undefined
  )?.getTime();

const holdStatus = async (applicationId: string) =>
  (await db.query('SELECT status FROM seat_holds WHERE application_id = $1', [applicationId]))[0]?.status;

beforeAll(async () => {
  app = await createTestApp(AppModule);
  seats = app.get(SeatService);
  db = app.get(DataSource);
  admin = new ApiClient(`${env.GATEWAY_URL}/api/course`, await staffToken());
  await engine.deploy(PROCESS, { [`${PROCESS}.bpmn`]: BPMN });
  for (const { key, topic } of Object.values(CALENDAR)) {
    const xml = oneTaskProcess({ key, topic, caught: { NO_SEATS: 'NoSeats', COURSE_UNAVAILABLE: 'Unavailable' } });
    await engine.deploy(key, { [`${key}.bpmn`]: xml });
  }
});
afterAll(() => app.close());

describe('seat holds', () => {
  it('holds once per application, however often it is asked', async () => {
    const course = await newCourse(5);
    const handler = app.get(HoldSeatHandler);
    const input = handler.input.parse({ applicationId: randomUUID(), courseCode: course.code, signTtl: 'PT1H' });
    const first = await handler.handle(input);
    expect(await handler.handle(input)).toEqual(first);
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM seat_holds WHERE course_id = $1', [course.id]);
    expect(n).toBe(1);
    expect((await admin.get(`/courses/${course.id}`)).body).toMatchObject({ seatsHeld: 1, freeSeats: 4 });
  });

  it('confirms a held seat, idempotently, and refuses to confirm a released one', async () => {
    const course = await newCourse(5);
    const [a, b] = [randomUUID(), randomUUID()];
    await seats.hold(course.code, a, 60_000);
    await seats.hold(course.code, b, 60_000);
    expect((await seats.confirm(a)).status).toBe(SeatHoldStatus.Confirmed);
    expect((await seats.confirm(a)).status).toBe(SeatHoldStatus.Confirmed);
    await seats.release(b);
    await seats.release(b);
    expect(await holdStatus(b)).toBe('released');
    await expect(seats.confirm(b)).rejects.toMatchObject({ code: 'SEAT_HOLD_RELEASED' });
    await expect(seats.confirm(randomUUID())).rejects.toMatchObject({ code: 'SEAT_HOLD_NOT_FOUND' });
    expect((await admin.get(`/courses/${course.id}`)).body).toMatchObject({
      seatsConfirmed: 1,
      seatsHeld: 0,
      freeSeats: 4,
    });
  });

  it('does nothing when releasing for an application that holds no seat', async () => {
    expect(await seats.release(randomUUID())).toBeNull();
  });

  it('stops counting an expired hold, and the sweep marks it expired', async () => {
    const course = await newCourse(1);
    const a = randomUUID();
    await seats.hold(course.code, a, 200, 0);
    await expect(seats.hold(course.code, randomUUID(), 60_000)).rejects.toMatchObject({ code: 'NO_SEATS' });
    await new Promise((r) => setTimeout(r, 400));
    expect((await admin.get(`/courses/${course.id}`)).body.freeSeats).toBe(1);
    expect(await seats.expireOverdue()).toBeGreaterThanOrEqual(1);
    expect(await holdStatus(a)).toBe('expired');
    // The seat is free again, so confirming the late hold takes it back.
    expect((await seats.confirm(a)).status).toBe(SeatHoldStatus.Confirmed);
  });

  it('refuses to confirm an expired hold when its seat was taken meanwhile', async () => {
    const course = await newCourse(1);
    const late = randomUUID();
    await seats.hold(course.code, late, 200, 0);
    await new Promise((r) => setTimeout(r, 400));
    await seats.hold(course.code, randomUUID(), 60_000);
    await expect(seats.confirm(late)).rejects.toMatchObject({ code: 'SEAT_HOLD_EXPIRED' });
  });

  it('counts held seats when the process checks availability', async () => {
    const course = await newCourse(1);
    await seats.hold(course.code, randomUUID(), 60_000);
    const applicationId = randomUUID();
    const { id } = await engine.start(CONTRACT_PROCESS_KEY, applicationId, {
      applicationId,
      courseCode: course.code,
      clientName: 'Test',
      clientEmail: 'test@example.test',
      linkTtl: 'PT1H',
      signTtl: 'PT1H',
      linkReminderAfter: 'PT30M',
    });
    await waitFor('the rejection e-mail task', async () =>
      (await engine.activities(id)).some((a) => a.activityId === 'Task_EmailRejected'),
    );
    expect(await engine.variables(id)).toMatchObject({ courseAvailable: false, rejectReason: 'NO_FREE_SEATS' });
  });

  it('refuses a hold on a closed course as COURSE_UNAVAILABLE (COURSE_CLOSED)', async () => {
    const course = await newCourse(5, { status: 'closed' });
    await expect(seats.hold(course.code, randomUUID(), 60_000)).rejects.toMatchObject({
      code: 'COURSE_UNAVAILABLE',
      details: { unavailableReason: 'COURSE_CLOSED' },
    });
  });

  it('answers 409 when capacity would drop below seats taken, or a course with holds is deleted', async () => {
    const course = await newCourse(3);
    await seats.hold(course.code, randomUUID(), 60_000);
    await seats.hold(course.code, randomUUID(), 60_000);
    const shrink = await admin.patch(`/courses/${course.id}`, { capacity: 1 });
    expect(shrink.status).toBe(409);
    expect(shrink.body.code).toBe('CAPACITY_BELOW_TAKEN');
    expect((await admin.patch(`/courses/${course.id}`, { capacity: 2 })).status).toBe(200);
    const remove = await admin.delete(`/courses/${course.id}`);
    expect(remove.status).toBe(409);
    expect(remove.body.code).toBe('COURSE_HAS_SEAT_HOLDS');
  });

  it('rejects bad process variables as INVALID_VARIABLES input, naming them', () => {
    const result = app
      .get(HoldSeatHandler)
      .input.safeParse({ applicationId: 'a', courseCode: 'X', signTtl: 'one hour' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['signTtl']);
  });
});

describe('seats under contention, through the engine with two worker instances', () => {
  it('200 parallel holds on a 20-seat course: exactly 20 held, 180 NO_SEATS', async () => {
    const course = await newCourse(20);
    const before = { here: await fetchedHere(), stack: await fetchedByStack() };
    const instances = await Promise.all(
      Array.from({ length: 200 }, () => {
        const applicationId = randomUUID();
        return engine.start(PROCESS, applicationId, { applicationId, courseCode: course.code, signTtl: 'PT1H' });
      }),
    );
    const ids = new Set(instances.map((i) => i.id));
    await waitFor(
      'all 200 instances to end',
      async () => {
        const finished = await engine.request<unknown[]>('POST', '/history/process-instance', {
          processInstanceIds: [...ids],
          finished: true,
        });
        return finished.length === 200;
      },
      { timeoutMs: 120_000, intervalMs: 500 },
    );
    const ends = (
      await engine.request<{ processInstanceId: string; activityId: string }[]>(
        'GET',
        `/history/activity-instance?processDefinitionId=${instances[0].definitionId}&activityType=noneEndEvent&maxResults=100000`,
      )
    ).filter((a) => ids.has(a.processInstanceId));
    expect(ends.filter((e) => e.activityId === 'Done')).toHaveLength(20);
    expect(ends.filter((e) => e.activityId === 'NoSeats')).toHaveLength(180);
    const [{ n }] = await db.query(
      `SELECT count(*)::int AS n FROM seat_holds WHERE course_id = $1 AND status = 'held'`,
      [course.id],
    );
    expect(n).toBe(20);

    // Both workers took part: this process's and the stack's course service.
    expect((await fetchedHere()) - before.here).toBeGreaterThan(0);
    expect((await fetchedByStack()) - before.stack).toBeGreaterThan(0);
  }, 180_000);
});

describe('the course calendar, through the engine and the running course service', () => {
  it('holds a seat until the enrolment deadline at the latest, and refuses one after it with COURSE_UNAVAILABLE', async () => {
    const enrolmentDeadline = new Date(Date.now() + 2 * 3_600_000);
    const course = await newCourse(5, { enrolmentDeadline: enrolmentDeadline.toISOString() });
    const applicationId = randomUUID();
    const held = await runTask(CALENDAR.hold.key, { applicationId, courseCode: course.code, signTtl: 'P2D' });
    expect(held.end).toBe('Done');
    expect(held.variables).toMatchObject({
      seatHoldId: expect.any(String),
      signDeadline: enrolmentDeadline.toISOString(),
    });
    expect(await holdExpiry(applicationId)).toBe(enrolmentDeadline.getTime() + seats.graceMs);

    const over = await newCourse(5, { enrolmentDeadline: new Date(Date.now() - 60_000).toISOString() });
    const refused = await runTask(CALENDAR.hold.key, {
      applicationId: randomUUID(),
      courseCode: over.code,
      signTtl: 'P2D',
      // As the current model's task says: it catches COURSE_UNAVAILABLE.
      courseUnavailableCaught: true,
    });
    expect(refused.end).toBe('Unavailable');
    expect(refused.variables).toMatchObject({ errorCode: 'COURSE_UNAVAILABLE', unavailableReason: 'ENROLMENT_CLOSED' });
  });

  it('refuses to book a seat signed after the enrolment deadline, and books one signed before it', async () => {
    const enrolmentDeadline = new Date(Date.now() + 3_600_000);
    const course = await newCourse(5, { enrolmentDeadline: enrolmentDeadline.toISOString() });
    const applicationId = randomUUID();
    await seats.hold(course.code, applicationId, 60_000);
    const late = await runTask(CALENDAR.confirm.key, {
      applicationId,
      signedAt: new Date(enrolmentDeadline.getTime() + 60_000).toISOString(),
      courseUnavailableCaught: true,
    });
    expect(late.end).toBe('Unavailable');
    expect(late.variables).toMatchObject({ unavailableReason: 'ENROLMENT_CLOSED' });
    expect(await holdStatus(applicationId)).toBe('held');

    const inTime = await runTask(CALENDAR.confirm.key, {
      applicationId,
      signedAt: new Date().toISOString(),
      courseUnavailableCaught: true,
    });
    expect(inTime).toMatchObject({ end: 'Done', variables: { seatStatus: 'confirmed' } });
  });

  it('moves a held seat to the extended signing deadline, and never back', async () => {
    const course = await newCourse(5);
    const applicationId = randomUUID();
    const { signDeadline } = await seats.hold(course.code, applicationId, 3_600_000);
    const extended = new Date(signDeadline.getTime() + 24 * 3_600_000);
    expect((await runTask(CALENDAR.extend.key, { applicationId, signDeadline: extended.toISOString() })).end).toBe(
      'Done',
    );
    expect(await holdExpiry(applicationId)).toBe(extended.getTime() + seats.graceMs);
    await runTask(CALENDAR.extend.key, { applicationId, signDeadline: signDeadline.toISOString() });
    expect(await holdExpiry(applicationId)).toBe(extended.getTime() + seats.graceMs);
    // Nothing held: nothing to do, and the task completes.
    expect(
      (await runTask(CALENDAR.extend.key, { applicationId: randomUUID(), signDeadline: extended.toISOString() })).end,
    ).toBe('Done');
  });
});
