import { DataSource } from 'typeorm';
import { ApiClient, crmWithReceiver, openCourse, staffToken } from '@otus/testing';
import {
  apply,
  engine,
  env,
  expectCleanEnd,
  MINUTE,
  outcomeOf,
  reachSigning,
  requestCode,
  sleep,
  waitingIn,
} from '../support/journey-steps';

/**
 * Lifecycle actions that meet the process at the same instant (issue: lifecycle control): a
 * cancellation sent with the client's signature, and a deadline moved while its timer fires.
 * Whichever wins, the application ends (or goes on) one way only, and seats agree.
 */
jest.setTimeout(4 * MINUTE);

let manager: ApiClient;
let crm: Awaited<ReturnType<typeof crmWithReceiver>>;
let courseDb: DataSource;

beforeAll(async () => {
  manager = new ApiClient(env.GATEWAY_URL, await staffToken({ roles: ['manager'], exact: true }));
  crm = await crmWithReceiver();
  courseDb = await new DataSource({ type: 'postgres', url: env.COURSE_DB_URL }).initialize();
});

afterAll(async () => {
  await crm?.receiver.close();
  await courseDb?.destroy();
});

/**
 * Per round, how long each side waits before it goes: the middle rounds race for real; the first
 * and last let one side go clearly first, so that every run sees both endings (and would see a
 * wrong one).
 */
const CANCEL_DELAYS_MS = [0, 0, 50, 3_000];
const SIGNATURE_DELAYS_MS = [2_000, 0, 0, 0];
const EXTEND_DELAYS_MS = [1_000, 0, 0, 0];
const TIMER_DELAYS_MS = [0, 0, 100, 3_000];
const staffPath = (applicationId: string, action: string) => `/api/contract/contracts/${applicationId}/${action}`;
const seatOf = async (applicationId: string) =>
  (await courseDb.query(`SELECT status FROM seat_holds WHERE application_id = $1`, [applicationId]))[0];

it('a cancellation and a signature sent together: exactly one wins, and the seat count agrees', async () => {
  const course = await openCourse({ capacity: 4 });
  const rounds = await Promise.all([1, 2, 3, 4].map(() => apply(crm.amo, course.code)));
  const results = await Promise.all(
    rounds.map(async (started, i) => {
      const client = await reachSigning(started);
      const code = await requestCode(client, started.email);
      // A signature takes longer (the gateway, the code check): the cancellation leaves a little later
      // in each round, so that both sides win some.
      const [cancel, signature] = await Promise.all([
        sleep(CANCEL_DELAYS_MS[i]).then(() =>
          manager.post(staffPath(started.applicationId, 'cancel'), { reasonCode: 'RACE' }),
        ),
        sleep(SIGNATURE_DELAYS_MS[i]).then(() => client.post('/signature', { signingCode: code })),
      ]);
      return { started, cancel: cancel.status, signature: signature.status };
    }),
  );
  for (const { started, cancel, signature } of results) {
    // One took the decision; the other was told it came second (409), never both.
    expect({ cancel, signature }).toEqual(
      cancel === 202 ? { cancel: 202, signature: 409 } : { cancel: 409, signature: 204 },
    );
    const { outcome } = await outcomeOf(crm.amo, started);
    expect(outcome).toBe(cancel === 202 ? 'CANCELLED' : 'CONCLUDED');
    await expectCleanEnd(started.applicationId, cancel === 202 ? 'End_Cancelled' : 'End_Concluded');
    expect(await seatOf(started.applicationId)).toEqual({ status: cancel === 202 ? 'released' : 'confirmed' });
  }
  const concluded = results.filter((r) => r.signature === 204).length;
  console.log(`cancel vs signature: ${4 - concluded} cancelled, ${concluded} concluded`);
  expect(concluded).toBeGreaterThanOrEqual(1);
  expect(4 - concluded).toBeGreaterThanOrEqual(1);
  const { body } = await manager.get(`/api/course/public/courses/${course.code}/availability`);
  expect(body.freeSeats).toBe(4 - concluded);
});

it('a deadline moved while its timer fires: extended with one new timer, or expired and the extension refused', async () => {
  const course = await openCourse();
  const rounds = await Promise.all([1, 2, 3, 4].map(() => apply(crm.amo, course.code)));
  const results = await Promise.all(
    rounds.map(async (started, i) => {
      const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData');
      const [timer] = await engine.request<{ id: string; dueDate: string }[]>(
        'GET',
        `/job?processInstanceId=${processInstanceId}&timers=true&activityId=Boundary_LinkExpired`,
      );
      const until = new Date(new Date(timer.dueDate).getTime() + 3_600_000).toISOString();
      // The engine runs the timer's job now (as its job executor would when due) while staff extend.
      // The extension takes a few requests (gateway, variables, correlation): the timer fires at once in
      // the first rounds, and later in the last ones, so that both sides win some.
      const [extend] = await Promise.all([
        sleep(EXTEND_DELAYS_MS[i]).then(() => manager.post(staffPath(started.applicationId, 'extend'), { until })),
        sleep(TIMER_DELAYS_MS[i]).then(() => engine.request('POST', `/job/${timer.id}/execute`).catch((e: Error) => e)),
      ]);
      return { started, processInstanceId, until, extend: extend.status };
    }),
  );
  console.log(
    `extend vs timer: ${results.filter((r) => r.extend === 200).length} extended, ${results.filter((r) => r.extend === 409).length} expired`,
  );
  expect(results.filter((r) => r.extend === 200).length).toBeGreaterThanOrEqual(1);
  expect(results.filter((r) => r.extend === 409).length).toBeGreaterThanOrEqual(1);
  for (const { started, processInstanceId, until, extend } of results) {
    expect([200, 409]).toContain(extend);
    if (extend === 200) {
      // The wait goes on with exactly one timer, at the new date.
      await waitingIn(started.applicationId, 'Task_WaitClientData');
      const timers = await engine.request<{ dueDate: string }[]>(
        'GET',
        `/job?processInstanceId=${processInstanceId}&timers=true&activityId=Boundary_LinkExpired`,
      );
      expect(timers.map((t) => new Date(t.dueDate).toISOString())).toEqual([until]);
      expect(await engine.incidents(processInstanceId)).toEqual([]);
    } else {
      expect(await outcomeOf(crm.amo, started)).toMatchObject({ outcome: 'LINK_EXPIRED' });
      await expectCleanEnd(started.applicationId, 'End_LinkExpired');
    }
  }
});
