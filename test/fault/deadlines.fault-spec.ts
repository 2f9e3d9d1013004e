import { DataSource } from 'typeorm';
import {
  admin,
  clientSession,
  crmWithReceiver,
  engineNodes,
  mailsTo,
  openCourse,
  processOf,
  waitFor,
} from '@otus/testing';
import { processesOf, stack } from './helpers';
import {
  apply,
  reachSigning,
  clientState,
  engine,
  env,
  expectCleanEnd,
  MINUTE,
  outcomeOf,
  promoCodeFor,
} from '../support/journey-steps';

/**
 * The deadline endings, with seconds instead of days: the stack's contract service is
 * restarted with short CONTRACT_LINK_TTL / CONTRACT_LINK_REMINDER_AFTER / CONTRACT_SIGN_TTL /
 * CONTRACT_SIGNING_REMINDERS (it hands them to every process it starts) and with its defaults
 * again afterwards.
 * Each ending tells the client by e-mail and the CRM by a signed webhook, and leaves no
 * seat or promo use taken.
 */
jest.setTimeout(4 * MINUTE);

const SHORT = {
  CONTRACT_LINK_TTL: 'PT20S',
  CONTRACT_LINK_REMINDER_AFTER: 'PT8S',
  CONTRACT_SIGN_TTL: 'PT15S',
  // Two reminders before the signing deadline: 10 s and 5 s before it.
  CONTRACT_SIGNING_REMINDERS: 'PT10S,PT5S',
};

let crm: Awaited<ReturnType<typeof crmWithReceiver>>;
let courseDb: DataSource;
let promoDb: DataSource;

const contract = processesOf('contract');

beforeAll(async () => {
  await stack('down', ...contract);
  await stack('up', ...contract, '--no-build', { env: SHORT });
  crm = await crmWithReceiver();
  courseDb = await new DataSource({ type: 'postgres', url: env.COURSE_DB_URL }).initialize();
  promoDb = await new DataSource({ type: 'postgres', url: env.PROMO_DB_URL }).initialize();
});

afterAll(async () => {
  await crm?.receiver.close();
  await courseDb?.destroy();
  await promoDb?.destroy();
  await stack('down', ...contract);
  await stack('up', ...contract, '--no-build');
});

const seatOf = (applicationId: string) =>
  courseDb.query(`SELECT status FROM seat_holds WHERE application_id = $1`, [applicationId]);
const promoUseOf = (applicationId: string) =>
  promoDb.query(`SELECT status FROM redemptions WHERE application_id = $1`, [applicationId]);

it.concurrent(
  'link expired: one reminder before expiry, then the client and the CRM are told; nothing stays taken',
  async () => {
    const course = await openCourse({ capacity: 3 });
    const started = await apply(crm.amo, course.code, { promoCode: await promoCodeFor(course.code) });
    const variables = await engine.variables(await processOf(started.applicationId));
    expect(variables).toMatchObject({ linkTtl: 'PT20S', linkReminderAfter: 'PT8S' });

    expect(await outcomeOf(crm.amo, started, 2 * MINUTE)).toMatchObject({ outcome: 'LINK_EXPIRED' });
    await expectCleanEnd(started.applicationId, 'End_LinkExpired');
    // Separate webhook tasks: with deadlines of seconds, link.sent may reach the CRM after the outcome.
    expect((await crm.webhookTypes(started.applicationId, 2)).sort()).toEqual(
      ['application.expired', 'link.sent'].sort(),
    );
    expect(crm.webhooksFor(started.applicationId).find((w) => w.type === 'application.expired')).toMatchObject({
      outcome: 'LINK_EXPIRED',
    });
    // The CRM heard of the reminder, once, with the deadline it named.
    const reminders = await waitFor('the reminder webhook', () => {
      const found = crm.webhooksFor(started.applicationId).filter((w) => w.type === 'reminder.sent');
      return found.length > 0 && found;
    });
    expect(reminders).toHaveLength(1);
    expect(reminders[0].data).toEqual({
      courseCode: course.code,
      reminder: 'link',
      deadline: new Date(
        (await engine.variables(await processOf(started.applicationId))).linkDeadline as string,
      ).toISOString(),
    });

    const mails = (await mailsTo(started.email)).sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    expect(mails.map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Оформление договора/),
      expect.stringMatching(/^Напоминание/),
      expect.stringMatching(/ссылки .* истёк/),
    ]);
    // The form never came: no seat was held and no promo use reserved, so there is nothing to give back.
    expect(await seatOf(started.applicationId)).toEqual([]);
    expect(await promoUseOf(started.applicationId)).toEqual([]);
    // The client's page says it is over.
    expect(await clientState(await clientSession(started.applicationId))).toBe('ENDED');
  },
);

it.concurrent('several at once: each timer fires once, whichever engine node runs it', async () => {
  const course = await openCourse({ capacity: 6 });
  const all = await Promise.all(Array.from({ length: 6 }, () => apply(crm.amo, course.code)));
  const nodes = new Set<string>();
  for (const started of all) {
    expect(await outcomeOf(crm.amo, started, 2 * MINUTE)).toMatchObject({ outcome: 'LINK_EXPIRED' });
    await expectCleanEnd(started.applicationId, 'End_LinkExpired');
    const subjects = (await mailsTo(started.email)).map((m) => m.subject);
    expect(subjects.filter((s) => /^Напоминание/.test(s))).toHaveLength(1);
    expect(subjects.filter((s) => /ссылки .* истёк/.test(s))).toHaveLength(1);
    // The timer jobs that ran: the reminder and the expiry, each once.
    const ran = await engine.request<{ jobDefinitionId: string; jobDefinitionType: string; hostname: string }[]>(
      'GET',
      `/history/job-log?processInstanceId=${await processOf(started.applicationId)}&successLog=true`,
    );
    const timers = ran.filter((j) => j.jobDefinitionType.startsWith('timer'));
    expect(timers).toHaveLength(2);
    expect(new Set(timers.map((j) => j.jobDefinitionId)).size).toBe(2);
    for (const job of timers) nodes.add(job.hostname);
  }
  // The node names are the stack's (ENGINE_NODE_NAME): engine-1, and engine-2 on the cluster.
  const names = engineNodes().map((_, i) => `engine-${i + 1}`);
  expect([...nodes].filter((n) => !names.includes(n))).toEqual([]);
});

it.concurrent('signing timed out: seat and promo use released, the client and the CRM are told', async () => {
  const course = await openCourse({ capacity: 1 });
  const started = await apply(crm.amo, course.code, { promoCode: await promoCodeFor(course.code) });
  const client = await reachSigning(started);
  expect(await seatOf(started.applicationId)).toEqual([{ status: 'held' }]);
  expect(await promoUseOf(started.applicationId)).toEqual([{ status: 'reserved' }]);
  expect((await engine.variables(await processOf(started.applicationId))).signTtl).toBe('PT15S');

  expect(await outcomeOf(crm.amo, started, 2 * MINUTE)).toMatchObject({ outcome: 'SIGNING_EXPIRED' });
  await expectCleanEnd(started.applicationId, 'End_SigningExpired');
  // Separate webhook tasks: with deadlines of seconds, link.sent may reach the CRM after the outcome.
  expect((await crm.webhookTypes(started.applicationId, 2)).sort()).toEqual(
    ['contract.signing-expired', 'link.sent'].sort(),
  );
  expect(crm.webhooksFor(started.applicationId).find((w) => w.type === 'contract.signing-expired')).toMatchObject({
    outcome: 'SIGNING_EXPIRED',
  });

  expect(await seatOf(started.applicationId)).toEqual([{ status: 'released' }]);
  expect(await promoUseOf(started.applicationId)).toEqual([{ status: 'released' }]);
  const subjects = (await mailsTo(started.email)).map((m) => m.subject);
  expect(subjects).toEqual(expect.arrayContaining([expect.stringMatching(/^Срок подписания .* истёк/)]));
  expect(subjects.filter((s) => /истёк/.test(s))).toHaveLength(1);
  // Reminded twice before the deadline, each once (the reminder timer re-enters the wait).
  expect(subjects.filter((s) => /^Напоминание.*подпиш/i.test(s))).toHaveLength(2);
  // And so was the CRM: two reminder.sent, each naming the signing deadline.
  const signDeadline = (await engine.variables(await processOf(started.applicationId))).signDeadline as string;
  const reminders = await waitFor('both reminder webhooks', () => {
    const found = crm.webhooksFor(started.applicationId).filter((w) => w.type === 'reminder.sent');
    return found.length >= 2 && found;
  });
  expect(reminders.map((w) => w.data)).toEqual([
    { courseCode: course.code, reminder: 'signing', deadline: new Date(signDeadline).toISOString() },
    { courseCode: course.code, reminder: 'signing', deadline: new Date(signDeadline).toISOString() },
  ]);
  expect(await clientState(client)).toBe('ENDED');
  // The seat is free again: the course had one, and the next client gets it.
  expect((await (await admin()).get(`/api/course/public/courses/${course.code}/availability`)).body).toMatchObject({
    freeSeats: 1,
  });
});
