import { randomUUID } from 'node:crypto';
import { EngineApi, stackEnv, waitFor } from '@otus/testing';
import { DataSource } from 'typeorm';
import { Course, CourseStatus } from '../src/courses/course.entity';
import { entities } from '../src/data-source';
import { CONTRACT_PROCESS_KEY } from '@otus/common';

/**
 * The first real loop: the contract process starts in the real engine, the running course
 * service fetches `course.check-availability`, reads the course from PostgreSQL, completes
 * the task, and the process moves on.
 */
const env = stackEnv();
const engine = new EngineApi(env.CAMUNDA_REST_URL);
const db = new DataSource({ type: 'postgres', url: env.COURSE_DB_URL, entities });
const started: string[] = [];

const DAY = 86_400_000;
const isoDate = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

async function saveCourse(overrides: Partial<Course> = {}): Promise<Course> {
  return db.getRepository(Course).save({
    code: `E2E-${randomUUID().slice(0, 8)}`,
    title: 'Node.js Developer',
    startDate: isoDate(30),
    enrolmentDeadline: new Date(Date.now() + 10 * DAY),
    priceKopecks: 9_900_000,
    capacity: 10,
    status: CourseStatus.Open,
    ...overrides,
  });
}

async function startApplication(variables: Record<string, unknown>) {
  const applicationId = randomUUID();
  const instance = await engine.start(CONTRACT_PROCESS_KEY, applicationId, {
    applicationId,
    crmApplicationId: `crm-${applicationId}`,
    clientName: 'Иван Петров',
    clientEmail: 'ivan@example.test',
    linkTtl: 'PT1H',
    signTtl: 'PT1H',
    linkReminderAfter: 'PT30M',
    ...variables,
  });
  started.push(instance.id);
  return instance.id;
}

/** Waits until the process has reached an activity (workers may already have finished it). */
const reached = (id: string, activityId: string) =>
  waitFor(`process ${id} to reach ${activityId}`, async () =>
    (await engine.activities(id)).some((a) => a.activityId === activityId),
  );

beforeAll(() => db.initialize());
afterAll(async () => {
  // The later steps have no workers yet: remove the instances this suite left waiting.
  await Promise.all(
    started.map((id) =>
      engine.request('DELETE', `/process-instance/${id}?skipCustomListeners=true`).catch(() => undefined),
    ),
  );
  await db.destroy();
});

describe('course.check-availability in the running course service', () => {
  it('lets an open course with seats through, with a snapshot for the contract', async () => {
    const course = await saveCourse();
    const id = await startApplication({ courseCode: course.code });
    await reached(id, 'Task_IssueClientLink');
    expect(await engine.variables(id)).toMatchObject({
      courseAvailable: true,
      rejectReason: null,
      courseTitle: 'Node.js Developer',
      courseStartDate: course.startDate,
      priceKopecks: 9_900_000,
      courseEnrolmentDeadline: course.enrolmentDeadline.toISOString(),
      // COURSE_TIME_ZONE is the default, Moscow: UTC+3 all year.
      courseStartsAt: new Date(`${course.startDate}T00:00:00+03:00`).toISOString(),
    });
    const checked = (await engine.activities(id)).find((a) => a.activityId === 'Task_CheckAvailability');
    expect(checked?.endTime).toBeTruthy();
  });

  it('ends the link at the enrolment deadline when that comes before linkTtl is over', async () => {
    const enrolmentDeadline = new Date(Date.now() + 30 * 60_000);
    const course = await saveCourse({ enrolmentDeadline });
    const before = Date.now();
    const id = await startApplication({ courseCode: course.code, linkTtl: 'PT1H' });
    await reached(id, 'Task_IssueClientLink');
    expect((await engine.variables(id)).linkDeadline).toBe(enrolmentDeadline.toISOString());

    const far = await saveCourse();
    const unbounded = await startApplication({ courseCode: far.code, linkTtl: 'PT1H' });
    await reached(unbounded, 'Task_IssueClientLink');
    const linkDeadline = new Date((await engine.variables(unbounded)).linkDeadline as string).getTime();
    expect(linkDeadline).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(linkDeadline).toBeLessThanOrEqual(Date.now() + 3_600_000);
  });

  it.each([
    ['COURSE_NOT_FOUND', async () => 'NO-SUCH-COURSE'],
    ['COURSE_NOT_FOUND', async () => (await saveCourse({ status: CourseStatus.Draft })).code],
    ['ENROLMENT_CLOSED', async () => (await saveCourse({ status: CourseStatus.Closed })).code],
    ['ENROLMENT_CLOSED', async () => (await saveCourse({ enrolmentDeadline: new Date(Date.now() - DAY) })).code],
    ['COURSE_STARTED', async () => (await saveCourse({ startDate: isoDate(0) })).code],
    ['NO_FREE_SEATS', async () => (await saveCourse({ capacity: 0 })).code],
  ])('rejects with %s and goes on to tell the client', async (reason, courseCode) => {
    const id = await startApplication({ courseCode: await courseCode() });
    await reached(id, 'Task_EmailRejected');
    expect(await engine.variables(id)).toMatchObject({
      courseAvailable: false,
      rejectReason: reason,
      linkDeadline: null,
    });
  });

  it('answers a missing course code with INVALID_VARIABLES, not a hang or an incident', async () => {
    const id = await startApplication({});
    // The failure path compensates: seat and promo releases run (there was nothing to release).
    await waitFor('the failure path to release seat and promo', async () => {
      const done = (await engine.activities(id)).filter((a) => a.endTime).map((a) => a.activityId);
      return done.includes('Task_ReleaseSeatFailed') && done.includes('Task_ReleasePromoFailed');
    });
    expect(await engine.incidents(id)).toEqual([]);
  });
});
