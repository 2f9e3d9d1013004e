import { randomUUID } from 'node:crypto';
import { BpmnError } from '@otus/common';
import { createServiceModule, type ServiceTestModule } from '@otus/testing';
import { courseEnv } from '../src/config';
import { Course, CourseStatus } from '../src/courses/course.entity';
import { CourseService } from '../src/courses/course.service';
import { CoursesModule } from '../src/courses/courses.module';
import { MentorsModule } from '../src/mentors/mentors.module';
import { migrations } from '../src/migrations';
import { SeatService } from '../src/seats/seat.service';
import { CheckAvailabilityHandler } from '../src/worker/check-availability.handler';
import { ConfirmSeatHandler } from '../src/worker/confirm-seat.handler';
import { CourseWorkerModule } from '../src/worker/course-worker.module';
import { ExtendHoldHandler } from '../src/worker/extend-hold.handler';
import { HoldSeatHandler } from '../src/worker/hold-seat.handler';

/**
 * The course calendar bounds every deadline and every seat, on a database of its own: the
 * workers' handlers of course.check-availability, course.hold-seat, course.confirm-seat and
 * course.extend-hold called directly, as the runner would with the process variables.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const GRACE = 30 * MINUTE;

/** The school's zone here; Moscow keeps UTC+3 all year. */
const moscowDate = (instant: number) => new Date(instant + 3 * HOUR).toISOString().slice(0, 10);
const moscowMidnight = (date: string) => new Date(`${date}T00:00:00+03:00`);

let service: ServiceTestModule;
let seats: SeatService;
let courses: CourseService;
let checkAvailability: CheckAvailabilityHandler;
let holdSeat: HoldSeatHandler;
let confirmSeat: ConfirmSeatHandler;
let extendHold: ExtendHoldHandler;

beforeAll(async () => {
  service = await createServiceModule({
    label: 'course-calendar',
    env: courseEnv,
    envOverrides: { COURSE_SEAT_HOLD_GRACE: 'PT30M', COURSE_TIME_ZONE: 'Europe/Moscow' },
    postgres: { urlVariable: 'COURSE_DB_URL', migrations },
    imports: [CoursesModule, MentorsModule, CourseWorkerModule],
  });
  seats = service.get(SeatService);
  courses = service.get(CourseService);
  checkAvailability = service.get(CheckAvailabilityHandler);
  holdSeat = service.get(HoldSeatHandler);
  confirmSeat = service.get(ConfirmSeatHandler);
  extendHold = service.get(ExtendHoldHandler);
});
afterAll(() => service?.close());

/** Saved as it is (no API checks), so a test can put the calendar anywhere. */
async function saveCourse(overrides: Partial<Course> = {}): Promise<Course> {
  return service.db.getRepository(Course).save({
    code: `CAL-${randomUUID().slice(0, 8)}`,
    title: 'Calendar test',
    startDate: moscowDate(Date.now() + 30 * DAY),
    enrolmentDeadline: new Date(Date.now() + 20 * DAY),
    priceKopecks: 100_000,
    capacity: 5,
    status: CourseStatus.Open,
    ...overrides,
  });
}

/** Starts in two days (Moscow), with an enrolment deadline at noon UTC of its start date: the start comes first. */
async function courseStartingBeforeItsDeadline(): Promise<{ course: Course; startsAt: Date }> {
  const startDate = moscowDate(Date.now() + 2 * DAY);
  const course = await saveCourse({ startDate, enrolmentDeadline: new Date(`${startDate}T12:00:00Z`) });
  return { course, startsAt: moscowMidnight(startDate) };
}

// As the current model calls them (it catches COURSE_UNAVAILABLE at these tasks).
const hold = (courseCode: string, applicationId: string, signTtl: string, courseUnavailableCaught = true) =>
  holdSeat.handle(holdSeat.input.parse({ applicationId, courseCode, signTtl, courseUnavailableCaught }));
const confirm = (applicationId: string, signedAt?: Date, courseUnavailableCaught = true) =>
  confirmSeat.handle(
    confirmSeat.input.parse({ applicationId, signedAt: signedAt?.toISOString(), courseUnavailableCaught }),
  );
const extend = (applicationId: string, signDeadline: Date) =>
  extendHold.handle(extendHold.input.parse({ applicationId, signDeadline: signDeadline.toISOString() }));
const check = (courseCode: string, linkTtl: string) =>
  checkAvailability.handle(checkAvailability.input.parse({ courseCode, linkTtl }));

const holdRow = async (applicationId: string) =>
  (
    (await service.db.query('SELECT status, expires_at FROM seat_holds WHERE application_id = $1', [
      applicationId,
    ])) as { status: string; expires_at: Date }[]
  )[0];
const unavailable = (unavailableReason: string) =>
  expect.objectContaining({ code: 'COURSE_UNAVAILABLE', variables: { unavailableReason } });

describe('course.hold-seat', () => {
  it('refuses a seat the calendar does not allow with COURSE_UNAVAILABLE and why, a full course still with NO_SEATS', async () => {
    const started = await saveCourse({
      startDate: moscowDate(Date.now()),
      enrolmentDeadline: new Date(Date.now() + DAY),
    });
    const cases: [string, string][] = [
      ['COURSE_CLOSED', (await saveCourse({ status: CourseStatus.Closed })).code],
      ['COURSE_CLOSED', (await saveCourse({ status: CourseStatus.Draft })).code],
      ['COURSE_CLOSED', 'NO-SUCH-COURSE'],
      ['ENROLMENT_CLOSED', (await saveCourse({ enrolmentDeadline: new Date(Date.now() - MINUTE) })).code],
      ['COURSE_STARTED', started.code],
    ];
    for (const [reason, code] of cases) {
      const refusal = hold(code, randomUUID(), 'PT1H');
      await expect(refusal).rejects.toBeInstanceOf(BpmnError);
      await expect(refusal).rejects.toEqual(unavailable(reason));
    }
    const [{ n }] = await service.db.query('SELECT count(*)::int AS n FROM seat_holds');
    expect(n).toBe(0);

    const full = await saveCourse({ capacity: 1 });
    await hold(full.code, randomUUID(), 'PT1H');
    await expect(hold(full.code, randomUUID(), 'PT1H')).rejects.toMatchObject({ code: 'NO_SEATS' });
  });

  it('ends signing at the enrolment deadline when that comes first, and the hold expires the grace after it', async () => {
    const enrolmentDeadline = new Date(Date.now() + 2 * HOUR);
    const course = await saveCourse({ enrolmentDeadline });
    const applicationId = randomUUID();
    const { seatHoldId, signDeadline } = await hold(course.code, applicationId, 'P2D');
    expect(signDeadline).toBe(enrolmentDeadline.toISOString());
    const row = await holdRow(applicationId);
    expect(row.status).toBe('held');
    expect(row.expires_at.getTime()).toBe(enrolmentDeadline.getTime() + GRACE);
    // A redelivered task: the same hold, the same deadline.
    expect(await hold(course.code, applicationId, 'P2D')).toEqual({ seatHoldId, signDeadline });
  });

  it("ends signing when the course starts (00:00 of its start date in the school's zone) when that comes first", async () => {
    const { course, startsAt } = await courseStartingBeforeItsDeadline();
    const applicationId = randomUUID();
    const { signDeadline } = await hold(course.code, applicationId, 'P7D');
    expect(signDeadline).toBe(startsAt.toISOString());
    expect((await holdRow(applicationId)).expires_at.getTime()).toBe(startsAt.getTime() + GRACE);
  });

  it('ends signing signTtl from now when the calendar is further off, and repeats that deadline when asked again', async () => {
    const course = await saveCourse();
    const applicationId = randomUUID();
    const before = Date.now();
    const first = await hold(course.code, applicationId, 'PT1H');
    const after = Date.now();
    const signDeadline = new Date(first.signDeadline).getTime();
    // The database's clock decides; it is this machine's, give or take a second.
    expect(signDeadline).toBeGreaterThanOrEqual(before + HOUR - 1_000);
    expect(signDeadline).toBeLessThanOrEqual(after + HOUR + 1_000);
    expect((await holdRow(applicationId)).expires_at.getTime()).toBe(signDeadline + GRACE);
    await new Promise((r) => setTimeout(r, 20));
    expect(await hold(course.code, applicationId, 'PT1H')).toEqual(first);
  });
});

describe('course.confirm-seat', () => {
  it('refuses a signature after the enrolment deadline or the start, or on a closed course, and the hold stays held', async () => {
    const enrolmentDeadline = new Date(Date.now() + HOUR);
    const early = await saveCourse({ enrolmentDeadline });
    const late = randomUUID();
    await hold(early.code, late, 'P1D');
    await expect(confirm(late, new Date(enrolmentDeadline.getTime() + MINUTE))).rejects.toEqual(
      unavailable('ENROLMENT_CLOSED'),
    );
    await expect(confirm(late, enrolmentDeadline)).rejects.toEqual(unavailable('ENROLMENT_CLOSED'));

    const { course: starting, startsAt } = await courseStartingBeforeItsDeadline();
    const afterStart = randomUUID();
    await hold(starting.code, afterStart, 'P1D');
    await expect(confirm(afterStart, new Date(startsAt.getTime() + MINUTE))).rejects.toEqual(
      unavailable('COURSE_STARTED'),
    );

    const closing = await saveCourse();
    const onClosed = randomUUID();
    await hold(closing.code, onClosed, 'P1D');
    await courses.update(closing.id, { status: CourseStatus.Closed });
    await expect(confirm(onClosed)).rejects.toEqual(unavailable('COURSE_CLOSED'));

    for (const applicationId of [late, afterStart, onClosed])
      expect((await holdRow(applicationId)).status).toBe('held');
    // A released hold is SEAT_HOLD_RELEASED whatever the calendar says.
    await seats.release(onClosed);
    await expect(seats.confirm(onClosed)).rejects.toMatchObject({ code: 'SEAT_HOLD_RELEASED' });
  });

  it('books a seat signed in time even when the confirmation comes after the deadline, and books it again without a re-check', async () => {
    const course = await saveCourse({ enrolmentDeadline: new Date(Date.now() + HOUR) });
    const applicationId = randomUUID();
    await hold(course.code, applicationId, 'P1D');
    await expect(confirm(applicationId, new Date(Date.now() + 2 * HOUR))).rejects.toEqual(
      unavailable('ENROLMENT_CLOSED'),
    );
    // The client signs just before the deadline; it has passed when the confirmation runs.
    const signedAt = new Date();
    await service.db.query('UPDATE courses SET enrolment_deadline = $2 WHERE id = $1', [
      course.id,
      new Date(signedAt.getTime() + 300),
    ]);
    await new Promise((r) => setTimeout(r, 400));
    expect(await confirm(applicationId, signedAt)).toEqual({ seatStatus: 'confirmed' });
    await courses.update(course.id, { status: CourseStatus.Closed });
    // A redelivered confirmation: already confirmed, so no second look at the calendar.
    expect(await confirm(applicationId, new Date(Date.now() + DAY))).toEqual({ seatStatus: 'confirmed' });
    expect(await confirm(applicationId)).toEqual({ seatStatus: 'confirmed' });
  });
});

describe('course.extend-hold', () => {
  it("moves a held seat's expiry to the new signing deadline plus the grace, and never earlier", async () => {
    const course = await saveCourse();
    const applicationId = randomUUID();
    const { signDeadline } = await hold(course.code, applicationId, 'PT1H');
    const first = new Date(signDeadline).getTime();

    expect(await extend(applicationId, new Date(first + 2 * HOUR))).toEqual({});
    expect((await holdRow(applicationId)).expires_at.getTime()).toBe(first + 2 * HOUR + GRACE);
    // An earlier deadline (an old or repeated message) moves nothing back.
    await extend(applicationId, new Date(first + HOUR));
    await extend(applicationId, new Date(first));
    expect((await holdRow(applicationId)).expires_at.getTime()).toBe(first + 2 * HOUR + GRACE);
    // Repeating the same extension changes nothing either.
    await extend(applicationId, new Date(first + 2 * HOUR));
    expect((await holdRow(applicationId)).expires_at.getTime()).toBe(first + 2 * HOUR + GRACE);
  });

  it('leaves confirmed, released and overdue holds alone, and does nothing for an application without one', async () => {
    const course = await saveCourse();
    const [confirmed, released, overdue] = [randomUUID(), randomUUID(), randomUUID()];
    await hold(course.code, confirmed, 'PT1H');
    await confirm(confirmed);
    await hold(course.code, released, 'PT1H');
    await seats.release(released);
    // Past its expiry the seat no longer counts and may be someone else's: it is not revived.
    await seats.hold(course.code, overdue, 50, 0);
    await new Promise((r) => setTimeout(r, 100));
    const before = await Promise.all([confirmed, released, overdue].map(holdRow));

    const later = new Date(Date.now() + DAY);
    for (const applicationId of [confirmed, released, overdue, randomUUID()]) {
      expect(await extend(applicationId, later)).toEqual({});
    }
    expect(await Promise.all([confirmed, released, overdue].map(holdRow))).toEqual(before);
    expect(await seats.extend(overdue, later)).toBe(false);
  });

  it('takes only an application id and an ISO instant (anything else is INVALID_VARIABLES)', () => {
    for (const variables of [
      { applicationId: 'a', signDeadline: 'tomorrow' },
      { applicationId: 'a', signDeadline: '2026-12-01' },
      { applicationId: 'a' },
    ]) {
      const result = extendHold.input.safeParse(variables);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0].path).toEqual(['signDeadline']);
    }
    expect(extendHold.input.safeParse({ signDeadline: new Date().toISOString() }).success).toBe(false);
  });
});

describe('course.check-availability', () => {
  it('writes the enrolment deadline and the start as instants, and a link deadline bounded by them', async () => {
    const enrolmentDeadline = new Date(Date.now() + 2 * HOUR);
    const soon = await saveCourse({ enrolmentDeadline });
    expect(await check(soon.code, 'P3D')).toMatchObject({
      courseAvailable: true,
      courseEnrolmentDeadline: enrolmentDeadline.toISOString(),
      courseStartsAt: moscowMidnight(soon.startDate).toISOString(),
      linkDeadline: enrolmentDeadline.toISOString(),
    });

    const { course: starting, startsAt } = await courseStartingBeforeItsDeadline();
    expect(await check(starting.code, 'P7D')).toMatchObject({
      courseAvailable: true,
      courseStartsAt: startsAt.toISOString(),
      linkDeadline: startsAt.toISOString(),
    });

    const far = await saveCourse();
    const before = Date.now();
    const { linkDeadline } = await check(far.code, 'PT1H');
    expect(new Date(linkDeadline!).getTime()).toBeGreaterThanOrEqual(before + HOUR);
    expect(new Date(linkDeadline!).getTime()).toBeLessThanOrEqual(Date.now() + HOUR);
  });

  it('writes no link deadline when the course is not available, and no dates when there is no course', async () => {
    const closed = await saveCourse({ status: CourseStatus.Closed });
    expect(await check(closed.code, 'PT1H')).toMatchObject({
      courseAvailable: false,
      rejectReason: 'ENROLMENT_CLOSED',
      courseEnrolmentDeadline: closed.enrolmentDeadline.toISOString(),
      courseStartsAt: moscowMidnight(closed.startDate).toISOString(),
      linkDeadline: null,
    });
    expect(await check('NO-SUCH-COURSE', 'PT1H')).toMatchObject({
      courseAvailable: false,
      rejectReason: 'COURSE_NOT_FOUND',
      courseEnrolmentDeadline: null,
      courseStartsAt: null,
      linkDeadline: null,
    });
  });
});

describe('process instances of the model version before the calendar bounds', () => {
  it('a closed course is NO_SEATS at the hold, and a signature is confirmed without a calendar check', async () => {
    const closed = await saveCourse({ status: CourseStatus.Closed });
    await expect(hold(closed.code, randomUUID(), 'PT1H', false)).rejects.toMatchObject({ code: 'NO_SEATS' });

    const course = await saveCourse({});
    const applicationId = randomUUID();
    await hold(course.code, applicationId, 'PT1H');
    await service.db.query(`UPDATE courses SET status = 'closed' WHERE id = $1`, [course.id]);
    await expect(confirm(applicationId, undefined, true)).rejects.toMatchObject({ code: 'COURSE_UNAVAILABLE' });
    await expect(confirm(applicationId, undefined, false)).resolves.toEqual({ seatStatus: 'confirmed' });
  });
});
