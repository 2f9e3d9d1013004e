import { DataSource } from 'typeorm';
import { crm, mailsTo, openCourse, processOf, waitFor } from '@otus/testing';
import { stack } from './helpers';
import {
  apply,
  env,
  expectCleanEnd,
  incidentsEver,
  MINUTE,
  passed,
  sleep,
  type Started,
  waitingIn,
} from '../support/journey-steps';

/**
 * The mail server is away for a while. The notification worker fails each e-mail task, the
 * engine retries it with the notification back-off (NOTIFICATION_TASK_RETRY_BASE_MS 5 s,
 * doubling, 10 retries ≈ 25 min before an incident), and when SMTP is back every e-mail goes
 * out exactly once. MailDev keeps its inbox in .stack/mail, so mail from before the outage stays.
 */
jest.setTimeout(5 * MINUTE);

const OUTAGE_MS = 20_000;

afterAll(() => stack('up', 'mail'));

it('e-mails held back by an SMTP outage all go out once it returns, none lost, none doubled', async () => {
  const amo = await crm();
  const course = await openCourse({ capacity: 10 });
  const before = await apply(amo, 'NO-SUCH-COURSE');
  await expectCleanEnd(before.applicationId, 'End_Rejected');
  expect(await mailsTo(before.email)).toHaveLength(1);

  await stack('down', 'mail');
  const started = Date.now();
  const rejected = await Promise.all([1, 2, 3].map(() => apply(amo, 'NO-SUCH-COURSE')));
  const linked = await Promise.all([1, 2, 3].map(() => apply(amo, course.code)));

  const db = await new DataSource({ type: 'postgres', url: env.NOTIFICATION_DB_URL }).initialize();
  try {
    const ids = [...rejected, ...linked].map((s) => s.applicationId);
    // Every one of them tried and failed while SMTP was away.
    await waitFor(
      'a failed attempt for every e-mail',
      async () => {
        const [{ n }] = await db.query(
          `SELECT count(DISTINCT m.application_id)::int AS n FROM deliveries d JOIN messages m ON m.id = d.message_id
            WHERE m.application_id = ANY($1) AND d.status = 'failed'`,
          [ids],
        );
        return n === ids.length;
      },
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - started)));
    // (MailDev's inbox API is down with it: the delivery log says nothing went out.)
    const [{ sentDuringOutage }] = await db.query(
      `SELECT count(*)::int AS "sentDuringOutage" FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE m.application_id = ANY($1) AND d.status = 'sent'`,
      [ids],
    );
    expect(sentDuringOutage).toBe(0);

    await stack('up', 'mail');
    const back = Date.now();
    // Mail from before the outage survived the mail server's restart.
    expect(await mailsTo(before.email)).toHaveLength(1);

    await Promise.all([
      ...rejected.map((s) => expectCleanEnd(s.applicationId, 'End_Rejected')),
      ...linked.map((s) => passed(s.applicationId, 'Task_WebhookLinkSent', 2 * MINUTE)),
    ]);
    const recovery = Date.now() - back;
    const one = async (s: Started, subject: RegExp) => {
      const mails = await mailsTo(s.email);
      expect(mails.map((m) => m.subject)).toEqual([expect.stringMatching(subject)]);
    };
    await Promise.all([
      ...rejected.map((s) => one(s, /не принята/)),
      ...linked.map((s) => one(s, /^Оформление договора/)),
    ]);
    for (const s of linked) {
      await waitingIn(s.applicationId, 'Task_WaitClientData');
      expect(await incidentsEver(await processOf(s.applicationId))).toEqual([]);
    }

    const attempts: { status: string; n: number }[] = await db.query(
      `SELECT d.status, count(*)::int AS n FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE m.application_id = ANY($1) GROUP BY d.status ORDER BY d.status`,
      [ids],
    );
    const sent = attempts.find((a) => a.status === 'sent')?.n;
    const failed = attempts.find((a) => a.status === 'failed')?.n;
    expect(sent).toBe(ids.length);
    console.log(
      `SMTP outage: ${ids.length} e-mails, ${failed} failed attempts during ~${Math.round(OUTAGE_MS / 1000)} s, ` +
        `all sent ${Math.round(recovery / 1000)} s after SMTP returned`,
    );
  } finally {
    await db.destroy();
  }
});
