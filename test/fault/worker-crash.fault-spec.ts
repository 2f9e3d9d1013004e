import { DataSource } from 'typeorm';
import { crm, mailsTo, openCourse, processOf, waitFor } from '@otus/testing';
import { processesOf, stack } from './helpers';
import { crashAfterEffect } from './support/crash-worker';
import {
  apply,
  clientState,
  engine,
  env,
  expectCleanEnd,
  incidentsEver,
  MINUTE,
  outcomeOf,
  passed,
  requestCode,
  sign,
  sleep,
  submitForm,
  timesRun,
  untilState,
  waitingIn,
} from '../support/journey-steps';

/**
 * A worker killed after its side effect and before `complete`: the stack's own worker for the
 * topic is stopped, a separate process boots the service's real module, locks the task for 3 s,
 * runs the real handler and is SIGKILLed. When the stack's worker is back it gets the task
 * after the lock ran out, runs the handler again and completes it — the effect exists once.
 */
jest.setTimeout(4 * MINUTE);

interface ExternalTaskLog {
  workerId: string | null;
  timestamp: string;
  creationLog: boolean;
  successLog: boolean;
  failureLog: boolean;
}

const taskLog = (processInstanceId: string, activityId: string) =>
  engine.request<ExternalTaskLog[]>(
    'GET',
    `/history/external-task-log?processInstanceId=${processInstanceId}&activityIdIn=${activityId}&sortBy=timestamp&sortOrder=asc`,
  );

/**
 * A stopped worker ends its open long poll at the engine (unique-worker-request): otherwise
 * the engine would lock the next task of the topic for the process that is gone, for a whole
 * WORKER_LOCK_DURATION_MS. The task waits unlocked for the next worker.
 */
async function expectUnlocked(processInstanceId: string, activityId: string) {
  const task = await waitFor(`the ${activityId} task`, async () =>
    (await engine.externalTasks(processInstanceId)).find((t) => t.activityId === activityId),
  );
  await sleep(1_000);
  const now = (await engine.externalTasks(processInstanceId)).find((t) => t.id === task.id);
  expect(now).toMatchObject({ workerId: null, lockExpirationTime: null });
}

let amo: Awaited<ReturnType<typeof crm>>;

beforeAll(async () => {
  amo = await crm();
});

// Whatever happened, the stack is whole again for the next spec.
afterAll(() => stack('up', ...processesOf('course'), ...processesOf('notification')));

it('course.hold-seat: the seat is held once, by the task the stack worker completes after the lock expired', async () => {
  const course = await openCourse({ capacity: 5 });
  const started = await apply(amo, course.code);
  await waitingIn(started.applicationId, 'Task_WaitClientData');

  await stack('down', ...processesOf('course'));
  const client = await submitForm(started);
  const processInstanceId = await waitingIn(started.applicationId, 'Task_HoldSeat');
  await expectUnlocked(processInstanceId, 'Task_HoldSeat');

  const crash = await crashAfterEffect('course', 'course.hold-seat', started.applicationId);
  expect(crash.signal).toBe('SIGKILL');
  expect(crash.activityId).toBe('Task_HoldSeat');

  const db = await new DataSource({ type: 'postgres', url: env.COURSE_DB_URL }).initialize();
  try {
    const holds = () =>
      db.query(`SELECT id, status FROM seat_holds WHERE application_id = $1`, [started.applicationId]);
    // The effect happened, and the engine still thinks the task is open and locked by the dead worker.
    expect(await holds()).toEqual([{ id: crash.output.seatHoldId, status: 'held' }]);
    const [open] = await engine.externalTasks(processInstanceId);
    expect(open).toMatchObject({ id: crash.taskId, activityId: 'Task_HoldSeat' });
    expect(await clientState(client)).toBe('PREPARING_DRAFT');

    await stack('up', ...processesOf('course'));
    await untilState(client, 'SIGNING');

    expect(await holds()).toEqual([{ id: crash.output.seatHoldId, status: 'held' }]);
    expect((await engine.variables(processInstanceId)).seatHoldId).toBe(crash.output.seatHoldId);
    expect(await timesRun(processInstanceId, 'Task_HoldSeat')).toBe(1);
    const log = await taskLog(processInstanceId, 'Task_HoldSeat');
    const success = log.filter((l) => l.successLog);
    expect(success).toHaveLength(1);
    // Completed by the stack's course worker, not by the crashed one, and only once the lock had run out.
    expect(success[0].workerId).toMatch(/^course-/);
    expect(Date.parse(success[0].timestamp)).toBeGreaterThanOrEqual(Date.parse(crash.lockExpirationTime));
    expect(log.filter((l) => l.failureLog)).toEqual([]);
    expect(await incidentsEver(processInstanceId)).toEqual([]);

    // The journey goes on to its end on that one hold.
    await sign(client, await requestCode(client, started.email));
    expect(await outcomeOf(amo, started)).toMatchObject({ outcome: 'CONCLUDED' });
    await expectCleanEnd(started.applicationId, 'End_Concluded');
    expect(await holds()).toEqual([{ id: crash.output.seatHoldId, status: 'confirmed' }]);
  } finally {
    await db.destroy();
  }
});

it('notification.email: the link e-mail reaches the client once, though the task ran twice', async () => {
  const course = await openCourse({ capacity: 5 });
  await stack('down', ...processesOf('notification'));
  const started = await apply(amo, course.code);
  const processInstanceId = await waitingIn(started.applicationId, 'Task_EmailLink');
  await expectUnlocked(processInstanceId, 'Task_EmailLink');

  const crash = await crashAfterEffect('notification', 'notification.email', started.applicationId);
  expect(crash.signal).toBe('SIGKILL');
  expect(crash.activityId).toBe('Task_EmailLink');
  const [sent] = await waitFor('the link e-mail from the crashed worker', async () => {
    const mails = await mailsTo(started.email);
    return mails.length > 0 && mails;
  });
  expect(sent.subject).toMatch(/^Оформление договора/);
  expect((await engine.externalTasks(processInstanceId)).map((t) => t.id)).toContain(crash.taskId);

  await stack('up', ...processesOf('notification'));
  // The webhook after the e-mail runs only once the e-mail task is complete.
  await passed(started.applicationId, 'Task_WebhookLinkSent');

  const db = await new DataSource({ type: 'postgres', url: env.NOTIFICATION_DB_URL }).initialize();
  try {
    const attempts = await db.query(
      `SELECT d.status FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE m.application_id = $1 AND m.template = 'link'`,
      [started.applicationId],
    );
    expect(attempts).toEqual([{ status: 'sent' }]);
  } finally {
    await db.destroy();
  }
  // A second send would have arrived by now: the task completed after it was handed out again.
  await sleep(1_000);
  expect((await mailsTo(started.email)).map((m) => m.subject)).toEqual([sent.subject]);
  const success = (await taskLog(processInstanceId, 'Task_EmailLink')).filter((l) => l.successLog);
  expect(success).toHaveLength(1);
  expect(success[0].workerId).toMatch(/^notification-/);
  expect(Date.parse(success[0].timestamp)).toBeGreaterThanOrEqual(Date.parse(crash.lockExpirationTime));
  expect(await incidentsEver(processInstanceId)).toEqual([]);

  // The journey itself is unharmed: the client can still go on (here: the form), and the process continues.
  await submitForm(started);
  await waitingIn(started.applicationId, 'Task_WaitSignature');
  expect(await processOf(started.applicationId)).toBe(processInstanceId);
});
