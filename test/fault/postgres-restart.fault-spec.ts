import { crm, mailsTo, openCourse, processOf, waitFor } from '@otus/testing';
import { stack } from './helpers';
import {
  apply,
  conclude,
  reachSigning,
  engine,
  env,
  incidentsEver,
  MINUTE,
  passed,
  sleep,
  stackPid,
  waitingIn,
} from '../support/journey-steps';

/**
 * PostgreSQL (the engine's and three services' database) stops and starts again under
 * running instances. Nobody restarts the services: their pools reconnect, /health turns
 * 200 again on its own, and every instance is still there and goes on to its end.
 */
jest.setTimeout(7 * MINUTE);

const SERVICES = ['user', 'course', 'promo', 'notification', 'contract'];
const health = async (service: string) => {
  try {
    const port = env[`${service.toUpperCase()}_PORT`];
    return (await fetch(`http://${env.STACK_HOST}:${port}/health`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
};

afterAll(() => stack('up', 'postgres'));

it('services reconnect on their own and no instance is lost', async () => {
  const amo = await crm();
  const course = await openCourse({ capacity: 5 });
  const [atForm, atSigning] = await Promise.all([apply(amo, course.code), apply(amo, course.code)]);
  await waitingIn(atForm.applicationId, 'Task_WaitClientData');
  const signingClient = await reachSigning(atSigning);
  const instances = await Promise.all([atForm, atSigning].map((s) => processOf(s.applicationId)));
  const pids = Object.fromEntries(SERVICES.map((s) => [s, stackPid(s)]));

  // Just accepted: their first tasks are running or about to when the database goes.
  const inFlight = await Promise.all([1, 2, 3].map(() => apply(amo, course.code)));
  await stack('down', 'postgres');
  // The outage is real: the PostgreSQL services report their database down.
  await waitFor(
    'the services to notice the database is gone',
    async () => (await Promise.all(['user', 'course', 'promo', 'notification'].map(health))).every((s) => s === 503),
    { timeoutMs: 30_000, intervalMs: 500 },
  );
  await sleep(5_000);
  await stack('up', 'postgres');

  await waitFor(
    'every service to report healthy again',
    async () => (await Promise.all(SERVICES.map(health))).every((s) => s === 200),
    { timeoutMs: 2 * MINUTE, intervalMs: 1_000 },
  );
  // Nobody restarted them.
  expect(Object.fromEntries(SERVICES.map((s) => [s, stackPid(s)]))).toEqual(pids);

  const running = await engine.request<{ id: string }[]>('POST', '/process-instance', {
    processInstanceIds: instances,
  });
  expect(running.map((p) => p.id).sort()).toEqual([...instances].sort());

  // The ones caught mid-task got their link and wait for the client. An e-mail whose
  // attempt died with the database keeps its claim (NOTIFICATION_CLAIM_TTL_MS, 2 min) and goes
  // out when the claim runs out, plus a long poll.
  await Promise.all(
    inFlight.map(async (started) => {
      const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData', 2 * MINUTE);
      await passed(started.applicationId, 'Task_EmailLink', 3 * MINUTE);
      // Once, or — when the database went away between the SMTP send and its record — again with
      // the same Message-ID, which mail systems drop as a duplicate (at least once, never lost).
      const mails = await mailsTo(started.email);
      expect(mails.length).toBeGreaterThanOrEqual(1);
      expect(new Set(mails.map((m) => m.headers['message-id'])).size).toBe(1);
      expect(await incidentsEver(processInstanceId)).toEqual([]);
    }),
  );

  await Promise.all([conclude(amo, atForm), conclude(amo, atSigning, signingClient)]);
});
