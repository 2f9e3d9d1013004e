import { randomUUID } from 'node:crypto';
import { createServiceModule, type ServiceTestModule, waitFor } from '@otus/testing';
import { courseEnv } from '../src/config';
import { CourseStatus } from '../src/courses/course.entity';
import { CourseService } from '../src/courses/course.service';
import { CoursesModule } from '../src/courses/courses.module';
import { MentorsModule } from '../src/mentors/mentors.module';
import { migrations } from '../src/migrations';
import { SeatService } from '../src/seats/seat.service';

/**
 * Seats on a database of their own, without the engine: hold, confirm and release, what they
 * do to the count, and the races the course row lock is there for. (seats.e2e-spec.ts drives
 * holds through the engine with two worker instances.)
 */
const DAY = 86_400_000;
let service: ServiceTestModule;
let seats: SeatService;
let courses: CourseService;

beforeEach(async () => {
  service = await createServiceModule({
    label: 'course-seats',
    env: courseEnv,
    // The sweep runs every 200 ms here, so its test does not wait long.
    envOverrides: { COURSE_SEAT_SWEEP_INTERVAL_MS: '200' },
    postgres: { urlVariable: 'COURSE_DB_URL', migrations },
    // The course entity relates to mentors: TypeORM needs both.
    imports: [CoursesModule, MentorsModule],
  });
  seats = service.get(SeatService);
  courses = service.get(CourseService);
});
afterEach(() => service?.close());

async function newCourse(capacity: number, status = CourseStatus.Open) {
  return courses.create({
    code: `S-${randomUUID().slice(0, 8)}`,
    title: 'Seats test',
    startDate: new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10),
    enrolmentDeadline: new Date(Date.now() + 20 * DAY).toISOString(),
    priceKopecks: 100_000,
    capacity,
    status,
  });
}

const statusOf = async (applicationId: string) =>
  (
    (await service.db.query('SELECT status FROM seat_holds WHERE application_id = $1', [applicationId])) as {
      status: string;
    }[]
  )[0]?.status;
const seatsOf = async (courseId: string) => {
  const { seatsHeld, seatsConfirmed, freeSeats } = await courses.get(courseId);
  return { held: seatsHeld, confirmed: seatsConfirmed, free: freeSeats };
};
const codesOf = (results: PromiseSettledResult<unknown>[]) =>
  results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code));
const count = (codes: string[], code: string) => codes.filter((c) => c === code).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('never overbooks: 30 parallel holds on a 5-seat course take exactly 5 seats', async () => {
  const course = await newCourse(5);
  const codes = codesOf(
    await Promise.allSettled(Array.from({ length: 30 }, () => seats.hold(course.code, randomUUID(), 60_000))),
  );
  expect(count(codes, 'ok')).toBe(5);
  expect(count(codes, 'NO_SEATS')).toBe(25);
  expect(await seatsOf(course.id)).toEqual({ held: 5, confirmed: 0, free: 0 });
});

it('holds one seat per application when deliveries of the same task race', async () => {
  const course = await newCourse(5);
  const applicationId = randomUUID();
  const holds = await Promise.all(Array.from({ length: 8 }, () => seats.hold(course.code, applicationId, 60_000)));
  expect(new Set(holds.map((h) => h.hold.id)).size).toBe(1);
  expect(new Set(holds.map((h) => h.signDeadline.getTime())).size).toBe(1);
  expect(await seatsOf(course.id)).toEqual({ held: 1, confirmed: 0, free: 4 });
});

it('gives a released seat back, held or confirmed, and never to the application that released it', async () => {
  const course = await newCourse(1);
  const [a, b] = [randomUUID(), randomUUID()];
  await seats.hold(course.code, a, 60_000);
  await expect(seats.hold(course.code, b, 60_000)).rejects.toMatchObject({ code: 'NO_SEATS' });
  expect((await seats.release(a))?.status).toBe('released');
  expect(await seatsOf(course.id)).toEqual({ held: 0, confirmed: 0, free: 1 });

  await seats.hold(course.code, b, 60_000);
  await expect(seats.hold(course.code, a, 60_000)).rejects.toMatchObject({ code: 'SEAT_HOLD_CLOSED' });
  await expect(seats.confirm(a)).rejects.toMatchObject({ code: 'SEAT_HOLD_RELEASED' });
  await seats.confirm(b);
  expect(await seatsOf(course.id)).toEqual({ held: 0, confirmed: 1, free: 0 });
  // Compensation after the signature: the confirmed seat is freed too.
  await seats.release(b);
  expect(await seatsOf(course.id)).toEqual({ held: 0, confirmed: 0, free: 1 });
  expect(await seats.release(b)).toMatchObject({ status: 'released' });
});

it('refuses holds on a draft, a closed or an unknown course as COURSE_CLOSED', async () => {
  const closed = { code: 'COURSE_UNAVAILABLE', details: { unavailableReason: 'COURSE_CLOSED' } };
  for (const status of [CourseStatus.Draft, CourseStatus.Closed]) {
    const course = await newCourse(5, status);
    await expect(seats.hold(course.code, randomUUID(), 60_000)).rejects.toMatchObject(closed);
  }
  await expect(seats.hold('NO-SUCH-COURSE', randomUUID(), 60_000)).rejects.toMatchObject(closed);
  const [{ n }] = await service.db.query('SELECT count(*)::int AS n FROM seat_holds');
  expect(n).toBe(0);
});

it('lets a late confirmation and new holds race for the seat an expired hold gave up: one of them gets it', async () => {
  const course = await newCourse(1);
  const late = randomUUID();
  await seats.hold(course.code, late, 100, 0);
  await sleep(200);
  expect(await seatsOf(course.id)).toMatchObject({ free: 1 });
  // The newcomers start first, so the confirmation usually finds the seat taken: it must re-check it.
  const codes = codesOf(
    await Promise.allSettled([
      seats.hold(course.code, randomUUID(), 60_000),
      seats.hold(course.code, randomUUID(), 60_000),
      seats.confirm(late),
    ]),
  );
  expect(count(codes, 'ok')).toBe(1);
  expect(codes.slice(0, 2).every((c) => c === 'ok' || c === 'NO_SEATS')).toBe(true);
  expect(['ok', 'SEAT_HOLD_EXPIRED']).toContain(codes[2]);
  const { held, confirmed, free } = await seatsOf(course.id);
  expect([held + confirmed, free]).toEqual([1, 0]);
});

it('keeps capacity at or above the seats taken when holds and a capacity cut race', async () => {
  const course = await newCourse(5);
  for (let i = 0; i < 3; i++) await seats.hold(course.code, randomUUID(), 60_000);
  const [first, second, cut] = codesOf(
    await Promise.allSettled([
      seats.hold(course.code, randomUUID(), 60_000),
      seats.hold(course.code, randomUUID(), 60_000),
      courses.update(course.id, { capacity: 3 }),
    ]),
  );
  const after = await courses.get(course.id);
  expect(after.seatsHeld).toBeLessThanOrEqual(after.capacity);
  // Either the cut came first (both holds refused) or a hold did (the cut refused).
  if (cut === 'ok') expect([first, second]).toEqual(['NO_SEATS', 'NO_SEATS']);
  else expect(cut).toBe('CAPACITY_BELOW_TAKEN');
});

it('stops counting a hold past its expiry at once, and the sweep marks only such holds expired', async () => {
  const course = await newCourse(10);
  const [overdue, live, confirmed, released] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  await seats.hold(course.code, overdue, 100, 0);
  await seats.hold(course.code, live, 60_000);
  await seats.hold(course.code, confirmed, 100, 0);
  await seats.confirm(confirmed);
  await seats.hold(course.code, released, 100, 0);
  await seats.release(released);
  await sleep(200);
  expect(await seatsOf(course.id)).toEqual({ held: 1, confirmed: 1, free: 8 });
  // The service's own sweep (every 200 ms here) gets there.
  await waitFor('the sweep to expire the overdue hold', async () => (await statusOf(overdue)) === 'expired', {
    timeoutMs: 5_000,
    intervalMs: 50,
  });
  expect(await seats.expireOverdue()).toBe(0);
  expect([await statusOf(live), await statusOf(confirmed), await statusOf(released)]).toEqual([
    'held',
    'confirmed',
    'released',
  ]);
  expect(await seatsOf(course.id)).toEqual({ held: 1, confirmed: 1, free: 8 });
});
