import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import type { ConfigService } from '@nestjs/config';
import { SchedulerRegistry } from '@nestjs/schedule';
import { type EngineClient, MESSAGES } from '@otus/common';
import { createServiceModule, type ServiceTestModule, waitFor } from '@otus/testing';
import { courseEnv, type CourseEnv } from '../src/config';
import { CourseChangeDelivery } from '../src/course-changes/course-change-delivery.service';
import { CourseStatus } from '../src/courses/course.entity';
import { CourseService } from '../src/courses/course.service';
import { CoursesModule } from '../src/courses/courses.module';
import { CourseResponse } from '../src/courses/dto/course.dto';
import { MentorsModule } from '../src/mentors/mentors.module';
import { migrations } from '../src/migrations';
import { SeatService } from '../src/seats/seat.service';

/**
 * Course changes that running applications must hear of (status, enrolment deadline, start
 * date) are queued in `course_changes` by the transaction that makes them, and sent to the
 * engine as CourseChanged by the delivery loop: here on a database of its own, with a stand-in
 * for the engine.
 */
const DAY = 86_400_000;
let service: ServiceTestModule;
let courses: CourseService;
let seats: SeatService;

beforeAll(async () => {
  service = await createServiceModule({
    label: 'course-changes',
    env: courseEnv,
    envOverrides: { COURSE_TIME_ZONE: 'Europe/Moscow' },
    postgres: { urlVariable: 'COURSE_DB_URL', migrations },
    imports: [CoursesModule, MentorsModule],
  });
  courses = service.get(CourseService);
  seats = service.get(SeatService);
});
afterAll(() => service?.close());
// Each test reads the whole queue; the delivery tests queue rows of their own.
beforeEach(() => service.db.query('DELETE FROM course_changes'));

const isoDate = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

function newCourse(overrides: Record<string, unknown> = {}): Promise<CourseResponse> {
  return courses.create({
    code: `CH-${randomUUID().slice(0, 8)}`,
    title: 'Course changes',
    startDate: isoDate(30),
    enrolmentDeadline: new Date(Date.now() + 20 * DAY).toISOString(),
    priceKopecks: 100_000,
    capacity: 5,
    status: CourseStatus.Open,
    ...overrides,
  });
}

interface Row {
  id: string;
  course_code: string;
  variables: Record<string, unknown>;
  delivered_at: Date | null;
  executions: number | null;
  xmin: string;
}
const queued = (): Promise<Row[]> =>
  service.db.query(
    'SELECT id, course_code, variables, delivered_at, executions, xmin::text FROM course_changes ORDER BY id',
  );
const xminOfCourse = async (id: string): Promise<string> =>
  ((await service.db.query('SELECT xmin::text FROM courses WHERE id = $1', [id])) as { xmin: string }[])[0].xmin;

describe('what a course change queues', () => {
  it('closing a course queues one CourseChanged, written by the transaction that closed it', async () => {
    const course = await newCourse({ startDate: '2027-03-01', enrolmentDeadline: '2027-02-20T09:00:00.000Z' });
    expect(await queued()).toEqual([]);

    await courses.update(course.id, { status: CourseStatus.Closed });
    const rows = await queued();
    expect(rows).toEqual([
      expect.objectContaining({
        course_code: course.code,
        variables: {
          courseStatus: 'closed',
          courseEnrolmentDeadline: '2027-02-20T09:00:00.000Z',
          // 00:00 of 1 March 2027 in Moscow (UTC+3).
          courseStartsAt: '2027-02-28T21:00:00.000Z',
          courseNewStartDate: '2027-03-01',
        },
        delivered_at: null,
        executions: null,
      }),
    ]);
    // The same transaction id wrote the course row and the queued change.
    expect(rows[0].xmin).toBe(await xminOfCourse(course.id));
  });

  it.each([
    ['the enrolment deadline moves', () => ({ enrolmentDeadline: new Date(Date.now() + 10 * DAY).toISOString() })],
    ['the start date moves', () => ({ startDate: isoDate(40) })],
    ['it goes back to draft', () => ({ status: CourseStatus.Draft })],
  ])('queues one when %s, with the new values', async (_, change) => {
    const course = await newCourse();
    const dto = change();
    const updated = await courses.update(course.id, dto);
    const rows = await queued();
    expect(rows).toHaveLength(1);
    expect(rows[0].variables).toEqual({
      courseStatus: updated.status,
      courseEnrolmentDeadline: updated.enrolmentDeadline,
      courseStartsAt: new Date(`${updated.startDate}T00:00:00+03:00`).toISOString(),
      courseNewStartDate: updated.startDate,
    });
  });

  it('queues nothing when no status, deadline or start date changed: other fields, or the same values again', async () => {
    const course = await newCourse();
    await courses.update(course.id, { title: 'Another title', priceKopecks: 200_000, capacity: 7, description: 'x' });
    await courses.update(course.id, {
      status: CourseStatus.Open,
      startDate: course.startDate,
      // The same instant written another way.
      enrolmentDeadline: new Date(course.enrolmentDeadline).toISOString().replace('Z', '+00:00'),
    });
    expect(await queued()).toEqual([]);
  });

  it('queues nothing when the update is refused, even after the change was queued in its transaction', async () => {
    const other = await newCourse();
    const course = await newCourse();
    // The code is taken: refused by the unique index when the row is written, after the queueing.
    await expect(courses.update(course.id, { status: CourseStatus.Closed, code: other.code })).rejects.toMatchObject({
      code: 'COURSE_CODE_TAKEN',
    });
    await seats.hold(course.code, randomUUID(), DAY);
    await expect(courses.update(course.id, { status: CourseStatus.Closed, capacity: 0 })).rejects.toMatchObject({
      code: 'CAPACITY_BELOW_TAKEN',
    });
    expect(await queued()).toEqual([]);
    expect((await courses.get(course.id)).status).toBe(CourseStatus.Open);
  });

  it('tells the applications of a renamed course, which carry the old code, that their course closed', async () => {
    const course = await newCourse();
    const renamed = `${course.code}-NEW`;
    await courses.update(course.id, { code: renamed });
    expect(await queued()).toEqual([
      expect.objectContaining({
        course_code: course.code,
        variables: expect.objectContaining({ courseStatus: 'closed', courseRenamed: true }),
      }),
    ]);
  });

  it('tells the applications of a deleted course that it closed; a refused delete queues nothing', async () => {
    const deleted = await newCourse();
    await courses.remove(deleted.id);
    const closedThenDeleted = await newCourse({ status: CourseStatus.Closed });
    await courses.remove(closedThenDeleted.id);
    const withSeats = await newCourse();
    await seats.hold(withSeats.code, randomUUID(), DAY);
    await expect(courses.remove(withSeats.id)).rejects.toMatchObject({ code: 'COURSE_HAS_SEAT_HOLDS' });

    const rows = await queued();
    expect(rows).toEqual([
      expect.objectContaining({
        course_code: deleted.code,
        variables: expect.objectContaining({ courseStatus: 'closed', courseRenamed: true }),
      }),
    ]);
  });
});

/** The engine as the delivery sees it: records each correlateAll, answers after `delayMs` with `executions` or fails. */
class FakeEngine {
  calls: { messageName: string; courseCode: string; variables: Record<string, unknown>; at: number }[] = [];
  /** Courses with a correlateAll still unanswered. */
  private inFlight = new Set<string>();
  overlapped = false;
  failing = false;

  constructor(
    private readonly delayMs = 0,
    private readonly executions = 0,
  ) {}

  async correlateAll(messageName: string, keys: Record<string, unknown>, variables: Record<string, unknown> = {}) {
    const courseCode = keys.courseCode as string;
    this.calls.push({ messageName, courseCode, variables, at: Date.now() });
    if (this.inFlight.has(courseCode)) this.overlapped = true;
    this.inFlight.add(courseCode);
    try {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      if (this.failing) throw new Error('engine unreachable');
      return this.executions;
    } finally {
      this.inFlight.delete(courseCode);
    }
  }
}

function delivery(engine: FakeEngine, intervalMs = 1_000, scheduler = new SchedulerRegistry()): CourseChangeDelivery {
  const config = { get: () => intervalMs } as unknown as ConfigService<CourseEnv, true>;
  return new CourseChangeDelivery(service.db, engine as unknown as EngineClient, scheduler, config);
}

async function queue(courseCode: string, courseStatus: string): Promise<void> {
  await service.db.query('INSERT INTO course_changes (course_code, variables) VALUES ($1, $2)', [
    courseCode,
    { courseStatus, courseEnrolmentDeadline: '2027-02-20T09:00:00.000Z', courseStartsAt: '2027-02-28T21:00:00.000Z' },
  ]);
}

describe('delivery', () => {
  beforeAll(() => {
    // The loop warns on every failed round: expected here.
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => jest.restoreAllMocks());

  it('sends CourseChanged to the processes of the course, oldest first, and marks each delivered with how many took it', async () => {
    await queue('A', 'closed');
    await queue('B', 'open');
    await queue('A', 'open');
    const engine = new FakeEngine(0, 2);
    const delivered = await delivery(engine).deliverPending();
    expect(delivered.map((d) => d.courseCode)).toEqual(['A', 'B', 'A']);
    expect(
      engine.calls.map(({ messageName, courseCode, variables }) => [messageName, courseCode, variables.courseStatus]),
    ).toEqual([
      [MESSAGES.courseChanged, 'A', 'closed'],
      [MESSAGES.courseChanged, 'B', 'open'],
      [MESSAGES.courseChanged, 'A', 'open'],
    ]);
    expect(engine.calls[0].variables).toEqual({
      courseStatus: 'closed',
      courseEnrolmentDeadline: '2027-02-20T09:00:00.000Z',
      courseStartsAt: '2027-02-28T21:00:00.000Z',
    });
    const rows = await queued();
    expect(rows.every((r) => r.delivered_at instanceof Date && r.executions === 2)).toBe(true);
    expect(await delivery(engine).deliverPending()).toEqual([]);
  });

  it('marks a change nobody waited for delivered too (no running application)', async () => {
    await queue('NOBODY', 'closed');
    await delivery(new FakeEngine(0, 0)).deliverPending();
    expect(await queued()).toEqual([expect.objectContaining({ executions: 0, delivered_at: expect.any(Date) })]);
  });

  it('keeps a change the engine did not take for a later round', async () => {
    await queue('A', 'closed');
    await queue('B', 'closed');
    const engine = new FakeEngine();
    engine.failing = true;
    await expect(delivery(engine).deliverPending()).rejects.toThrow('engine unreachable');
    // The round stops at the first failure.
    expect(engine.calls).toHaveLength(1);
    expect((await queued()).map((r) => r.delivered_at)).toEqual([null, null]);

    engine.failing = false;
    await delivery(engine).deliverPending();
    expect(engine.calls.map((c) => c.courseCode)).toEqual(['A', 'A', 'B']);
    expect((await queued()).every((r) => r.delivered_at)).toBe(true);
  });

  it('backs off while the engine fails, and delivers once it answers again', async () => {
    await queue('A', 'closed');
    const engine = new FakeEngine();
    engine.failing = true;
    const scheduler = new SchedulerRegistry();
    const loop = delivery(engine, 20, scheduler);
    loop.onApplicationBootstrap();
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      // Every 20 ms would be ~50 tries; doubling pauses (20, 40, 80 … ms, half jitter) leave a handful.
      expect(engine.calls.length).toBeGreaterThanOrEqual(2);
      expect(engine.calls.length).toBeLessThanOrEqual(10);
      engine.failing = false;
      await waitFor('the change to be delivered', async () => (await queued())[0].delivered_at !== null, {
        timeoutMs: 5_000,
        intervalMs: 50,
      });
    } finally {
      await loop.beforeApplicationShutdown();
    }
    expect(scheduler.getIntervals()).toEqual([]);
  });

  it('two replicas send every change once, and the changes of one course one after another, in order', async () => {
    const codes = ['A', 'B', 'C'];
    // A course's changes next to each other: the next free row is often the same course's next change.
    for (const code of codes) for (let i = 0; i < 4; i++) await queue(code, `v${i}`);
    const engine = new FakeEngine(30);
    const replicas = [delivery(engine), delivery(engine)];
    const undelivered = async () =>
      Number((await service.db.query('SELECT count(*) FROM course_changes WHERE delivered_at IS NULL'))[0].count);
    // A replica may find nothing free while the other holds the rest: each keeps going until all is sent.
    await Promise.all(
      replicas.map(async (replica) => {
        while ((await undelivered()) > 0) {
          await replica.deliverPending();
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      }),
    );
    expect(engine.calls).toHaveLength(12);
    expect(engine.overlapped).toBe(false);
    for (const code of codes) {
      expect(engine.calls.filter((c) => c.courseCode === code).map((c) => c.variables.courseStatus)).toEqual([
        'v0',
        'v1',
        'v2',
        'v3',
      ]);
    }
    // Both replicas did some of the work at the same time: courses went out in parallel.
    expect(engine.calls[engine.calls.length - 1].at - engine.calls[0].at).toBeLessThan(12 * 30);
  });
});
