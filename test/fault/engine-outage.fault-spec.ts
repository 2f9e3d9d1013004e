import { randomUUID } from 'node:crypto';
import { EngineApi, logSince, stackEnv, waitFor } from '@otus/testing';
import { stack } from './helpers';
import { CONTRACT_PROCESS_KEY } from '@otus/common';

/**
 * Stops the real engine while the services run: workers must warn, back off, keep the
 * service alive, and resume on their own when the engine is back.
 */
// An outage, back-off and an engine start take minutes, not the e2e minute.
jest.setTimeout(300_000);

const env = stackEnv();
const engine = new EngineApi(env.CAMUNDA_REST_URL);
const SERVICES = ['user', 'contract', 'course', 'promo', 'notification'];

const lines = (text: string, pattern: RegExp) => text.split('\n').filter((l) => pattern.test(l));

afterAll(() => stack('up', 'engine'));

it('survives an engine outage and resumes polling when it returns', async () => {
  const courseLog = logSince('course');
  await stack('down', 'engine');

  const warnings = await waitFor(
    'the course worker to warn about the engine',
    () => lines(courseLog(), /Camunda engine unreachable/).length > 0 && courseLog(),
    { timeoutMs: 60_000 },
  );
  await new Promise((r) => setTimeout(r, 5_000));
  // Back-off grows from ~1 s: a handful of warnings, not one per 20 ms poll interval.
  const duringOutage = lines(courseLog(), /Camunda engine unreachable/).length;
  expect(duringOutage).toBeGreaterThanOrEqual(lines(warnings, /Camunda engine unreachable/).length);
  expect(duringOutage).toBeLessThanOrEqual(8);

  for (const service of SERVICES) {
    const live = await fetch(`http://${env.STACK_HOST}:${env[`${service.toUpperCase()}_PORT`]}/health/live`);
    expect(live.status).toBe(200);
  }

  await stack('up', 'engine');
  await waitFor('the course worker to resume', () => /Camunda engine reachable again/.test(courseLog()), {
    timeoutMs: 60_000,
    intervalMs: 500,
  });

  // Polling really resumed: an application is checked by the course worker again.
  const applicationId = randomUUID();
  const instance = await engine.start(CONTRACT_PROCESS_KEY, applicationId, {
    applicationId,
    courseCode: 'NO-SUCH-COURSE',
    clientName: 'Test',
    clientEmail: 'test@example.test',
    linkTtl: 'PT1H',
    signTtl: 'PT1H',
    linkReminderAfter: 'PT30M',
  });
  await waitFor('the rejection path', async () =>
    (await engine.activities(instance.id)).some((a) => a.activityId === 'Task_EmailRejected'),
  );
});

it('treats a second `up` as a no-op', async () => {
  const output = await stack('up');
  for (const component of ['postgres', 'mongo', 'mail', 'engine', ...SERVICES, 'gateway', 'prometheus']) {
    expect(output).toMatch(new RegExp(`✓ ${component}\\s+:\\d+\\s+already running`));
  }
});
