import { randomUUID } from 'node:crypto';
import { MESSAGES } from '@otus/common';
import { ApiClient, crm, EngineApi, openCourse, staffToken, stackEnv, waitFor } from '@otus/testing';
import { DataSource } from 'typeorm';
import { apply, waitingIn } from '../../../test/support/journey-steps';

/**
 * Staff change a course through the gateway; the running course service queues the change and
 * delivers CourseChanged to every running process of the course in the real engine. A process
 * of the real model waits at the form; a tiny probe model deployed here waits for the message
 * with the course's code, so the engine's side shows whatever the real model does with it.
 */
const env = stackEnv();
const engine = new EngineApi(env.CAMUNDA_REST_URL);
const db = new DataSource({ type: 'postgres', url: env.COURSE_DB_URL });
const PROBE = 'course-changed-probe';
const DAY = 86_400_000;
const started: string[] = [];
let admin: ApiClient;

/** Waits for CourseChanged with its courseCode, then ends. */
const probeModel = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="D-${PROBE}" targetNamespace="https://otus.ru/test">
  <bpmn:message id="Message_CourseChanged" name="${MESSAGES.courseChanged}" />
  <bpmn:process id="${PROBE}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="ToWait" sourceRef="Start" targetRef="WaitCourseChanged" />
    <bpmn:intermediateCatchEvent id="WaitCourseChanged">
      <bpmn:messageEventDefinition messageRef="Message_CourseChanged" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="ToDone" sourceRef="WaitCourseChanged" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>`;

/** A probe of `courseCode`; `closing` as the real model keeps it (true once an ending began: not told). */
async function probe(courseCode: string, closing = false): Promise<string> {
  const { id } = await engine.start(PROBE, `probe-${randomUUID()}`, { courseCode, closing });
  started.push(id);
  return id;
}

/** Executions of these instances waiting for CourseChanged now: what one delivery should reach. */
async function waitingForCourseChanged(...processInstanceIds: string[]): Promise<number> {
  let total = 0;
  for (const id of processInstanceIds) {
    const { count } = await engine.request<{ count: number }>(
      'GET',
      `/event-subscription/count?eventName=${MESSAGES.courseChanged}&processInstanceId=${id}`,
    );
    total += count;
  }
  return total;
}

interface Row {
  variables: Record<string, unknown>;
  delivered_at: Date | null;
  executions: number | null;
}
const changesOf = (courseCode: string): Promise<Row[]> =>
  db.query('SELECT variables, delivered_at, executions FROM course_changes WHERE course_code = $1 ORDER BY id', [
    courseCode,
  ]);

async function delivered(courseCode: string, count: number): Promise<Row[]> {
  return waitFor(`${count} change(s) of ${courseCode} to be delivered`, async () => {
    const rows = await changesOf(courseCode);
    return rows.length === count && rows.every((r) => r.delivered_at) ? rows : undefined;
  });
}

const ended = (id: string) =>
  waitFor(`probe ${id} to take the message`, async () => (await engine.historicInstance(id)).state === 'COMPLETED');

beforeAll(async () => {
  await db.initialize();
  await engine.deploy(PROBE, { [`${PROBE}.bpmn`]: probeModel });
  admin = new ApiClient(`${env.GATEWAY_URL}/api/course`).withToken(await staffToken({ roles: ['admin'] }));
});
afterAll(async () => {
  await Promise.all(
    started.map((id) =>
      engine.request('DELETE', `/process-instance/${id}?skipCustomListeners=true`).catch(() => undefined),
    ),
  );
  await db.destroy();
});

describe('a course change reaches the running applications of the course', () => {
  it('closing a course sends CourseChanged with its status and calendar to every process of the course', async () => {
    const course = await openCourse({ startDate: '2027-03-01', enrolmentDeadline: '2027-02-20T09:00:00.000Z' });
    const application = await apply(await crm(), course.code);
    const real = await waitingIn(application.applicationId, 'Task_WaitClientData');
    started.push(real);
    const probes = [await probe(course.code), await probe(course.code)];
    const otherCourse = await probe(`OTHER-${randomUUID().slice(0, 8)}`);
    // An application of this course whose ending has begun is not told any more.
    const ending = await probe(course.code, true);
    // Both probes, and the real process once its model listens for CourseChanged.
    const reach = await waitingForCourseChanged(real, ...probes);
    expect(reach).toBeGreaterThanOrEqual(2);

    const { status } = await admin.patch(`/courses/${course.id}`, { status: 'closed' });
    expect(status).toBe(200);

    const [change] = await delivered(course.code, 1);
    const variables = {
      courseStatus: 'closed',
      courseEnrolmentDeadline: '2027-02-20T09:00:00.000Z',
      // COURSE_TIME_ZONE is the default, Moscow: 00:00 of 1 March there.
      courseStartsAt: '2027-02-28T21:00:00.000Z',
    };
    expect(change).toMatchObject({ variables, executions: reach });
    for (const id of probes) {
      await ended(id);
      expect(await engine.variables(id)).toMatchObject({ courseCode: course.code, ...variables });
    }
    expect((await engine.historicInstance(otherCourse)).state).toBe('ACTIVE');
    expect((await engine.historicInstance(ending)).state).toBe('ACTIVE');
  });

  it('moving the dates sends the new calendar; a change of title or price sends nothing', async () => {
    const course = await openCourse();
    const id = await probe(course.code);

    expect((await admin.patch(`/courses/${course.id}`, { title: 'Renamed', priceKopecks: 1_000_000 })).status).toBe(
      200,
    );
    const enrolmentDeadline = new Date(Date.now() + 10 * DAY).toISOString();
    const startDate = new Date(Date.now() + 15 * DAY).toISOString().slice(0, 10);
    expect((await admin.patch(`/courses/${course.id}`, { enrolmentDeadline, startDate })).status).toBe(200);

    const [change] = await delivered(course.code, 1);
    const variables = {
      courseStatus: 'open',
      courseEnrolmentDeadline: enrolmentDeadline,
      courseStartsAt: new Date(`${startDate}T00:00:00+03:00`).toISOString(),
      courseNewStartDate: startDate,
    };
    expect(change).toMatchObject({ variables, executions: 1 });
    await ended(id);
    expect(await engine.variables(id)).toMatchObject(variables);
  });

  it('a change with no application running is marked delivered, taken by no execution', async () => {
    const course = await openCourse();
    await admin.patch(`/courses/${course.id}`, { status: 'closed' });
    expect(await delivered(course.code, 1)).toEqual([expect.objectContaining({ executions: 0 })]);
  });
});
