import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { TaskContext } from '@otus/common';
import { DataSource } from 'typeorm';
import { StaffNotices } from '../src/staff/staff-notices.service';
import { StaffNoticeHandler } from '../src/worker/staff-notice.handler';
import { createNotificationApp } from './support/app';
import { stack, useNotificationEnv } from './support/env';
import { type ContractServer, type CourseServer, startContractServer, startCourseServer } from './support/http-servers';
import { mailsTo, uniqueAddress, waitForMails } from '@otus/testing';

/**
 * notification.staff-notice in-process against stand-ins of the course service (who hears of a
 * course) and the contract service (why a client declined), with the real PostgreSQL and SMTP
 * catcher: one e-mail per event, or one digest a day.
 */
let app: INestApplication;
let db: DataSource;
let handler: StaffNoticeHandler;
let notices: StaffNotices;
let contract: ContractServer;
let course: CourseServer;

beforeAll(async () => {
  contract = await startContractServer(stack.INTERNAL_API_TOKEN);
  course = await startCourseServer(stack.INTERNAL_API_TOKEN);
  useNotificationEnv({
    CONTRACT_INTERNAL_URL: contract.url,
    COURSE_INTERNAL_URL: course.url,
    NOTIFICATION_DIGEST_TIME: '09:00',
    NOTIFICATION_TIME_ZONE: 'Europe/Moscow',
  });
  app = await createNotificationApp();
  db = app.get(DataSource);
  handler = app.get(StaffNoticeHandler);
  notices = app.get(StaffNotices);
});
afterAll(async () => {
  await app.close();
  await contract.close();
  await course.close();
});

const task = (): TaskContext => ({
  id: randomUUID(),
  topicName: 'notification.staff-notice',
  processInstanceId: randomUUID(),
  activityInstanceId: `Task_StaffNotice:${randomUUID()}`,
  businessKey: null,
});

/** A course of its own with its staff (two addresses), told at once or by digest. */
function staffedCourse(dailyDigest = false) {
  const code = `C-${randomUUID().slice(0, 8)}`;
  const recipients = [uniqueAddress('manager'), uniqueAddress('mentor')];
  course.staff.set(code, { title: 'Разработчик Node.js', recipients, dailyDigest });
  return { code, recipients };
}

const notice = (courseCode: string, overrides: Record<string, unknown> = {}) => ({
  staffEvent: 'concluded',
  applicationId: randomUUID(),
  crmApplicationId: `crm-${randomUUID().slice(0, 6)}`,
  courseCode,
  clientName: 'Иван Петров',
  clientEmail: 'ivan@example.test',
  ...overrides,
});

const handle = (vars: Record<string, unknown>, context = task()) => handler.handle(handler.input.parse(vars), context);

describe('one e-mail per event', () => {
  it('goes to every recipient of the course, once per task, with the ids and no client data', async () => {
    const { code, recipients } = staffedCourse();
    const vars = notice(code);
    const context = task();
    expect(await handle(vars, context)).toEqual({ staffNotice: 'sent' });
    // A redelivered task sends nothing.
    expect(await handle(vars, context)).toEqual({ staffNotice: 'sent' });
    for (const to of recipients) {
      const [mail] = await waitForMails(to, 1);
      expect(mail.subject).toBe('Договор заключён: курс «Разработчик Node.js»');
      expect(mail.text).toContain('Здравствуйте, коллеги!');
      expect(mail.text).toContain(vars.applicationId);
      expect(mail.text).toContain(vars.crmApplicationId);
      expect(mail.text).not.toMatch(/Иван|ivan@/);
    }
    expect(await mailsTo(recipients[0])).toHaveLength(1);
  });

  it('declined: the reason the client chose, read from the contract service', async () => {
    const { code, recipients } = staffedCourse();
    const vars = notice(code, { staffEvent: 'declined' });
    contract.declines.set(vars.applicationId, { reasonCode: 'SCHEDULE', reasonText: 'не успеваю' });
    await handle(vars);
    const [mail] = await waitForMails(recipients[0]);
    expect(mail.subject).toBe('Клиент отказался от договора: курс «Разработчик Node.js»');
    expect(mail.text).toContain('Причина: Не подходят сроки или расписание.');
    // The client's own words are theirs: staff read them in the application, not in e-mail.
    expect(mail.text).not.toContain('не успеваю');
  });

  it.each([
    [
      'signing-locked',
      { staffEvent: 'signing-locked', signingLockReason: 'TRIES_EXHAUSTED' },
      'Подписание приостановлено',
      'клиент исчерпал попытки ввода кода',
    ],
    [
      'cancelled',
      { staffEvent: 'cancelled', cancelReasonCode: 'DUPLICATE', cancelledBy: 'crm' },
      'Заявка отменена',
      'DUPLICATE, отменил: CRM',
    ],
  ])('%s: its subject and reason', async (_event, overrides, subject, reason) => {
    const { code, recipients } = staffedCourse();
    await handle(notice(code, overrides));
    const [mail] = await waitForMails(recipients[0]);
    expect(mail.subject).toBe(`${subject}: курс «Разработчик Node.js»`);
    expect(mail.text).toContain(`Причина: ${reason}.`);
  });

  it('a course with nobody to tell, or one the course service no longer knows: completes, nothing sent', async () => {
    const code = `C-${randomUUID().slice(0, 8)}`;
    course.staff.set(code, { title: 'Без получателей', recipients: [], dailyDigest: false });
    const quiet = notice(code);
    expect(await handle(quiet)).toEqual({ staffNotice: 'nobody' });
    expect(await handle(notice(`GONE-${randomUUID().slice(0, 6)}`))).toEqual({ staffNotice: 'nobody' });
    expect(await db.query(`SELECT 1 FROM messages WHERE application_id = $1`, [quiet.applicationId])).toEqual([]);
  });

  it('the course service down fails the task (the engine retries it); nothing is sent', async () => {
    const { code, recipients } = staffedCourse();
    course.down = true;
    try {
      await expect(handle(notice(code))).rejects.toThrow(/staff recipients of course .*503/);
    } finally {
      course.down = false;
    }
    expect(await mailsTo(recipients[0])).toEqual([]);
  });

  it('a staff address the mail server refuses for good completes the task (failed, logged), so the application can end', async () => {
    const code = `C-${randomUUID().slice(0, 8)}`;
    course.staff.set(code, { title: 'Курс', recipients: ['no-such-domain@'], dailyDigest: false });
    const vars = notice(code);
    expect(await handle(vars)).toEqual({ staffNotice: 'failed' });
    const [row] = await db.query(
      `SELECT m.status FROM messages m WHERE m.application_id = $1 AND m.template = 'staff-notice'`,
      [vars.applicationId],
    );
    expect(row).toEqual({ status: 'failed' });
  });

  it('refuses an unknown event as invalid variables', () => {
    const parsed = handler.input.safeParse(notice('X', { staffEvent: 'signed' }));
    expect(parsed.error?.issues[0].path).toEqual(['staffEvent']);
  });
});

describe('a daily digest', () => {
  /** 10:00 and 08:00 in Moscow on the given day. */
  const at = (date: string, hour: number) => new Date(`${date}T${String(hour - 3).padStart(2, '0')}:00:00Z`);

  it('keeps the day’s events and sends them in one e-mail after NOTIFICATION_DIGEST_TIME, once', async () => {
    const { code, recipients } = staffedCourse(true);
    const first = notice(code);
    const second = notice(code, { staffEvent: 'cancelled', cancelReasonCode: 'DUPLICATE', cancelledBy: 'staff' });
    const context = task();
    expect(await handle(first, context)).toEqual({ staffNotice: 'digest' });
    expect(await handle(first, context)).toEqual({ staffNotice: 'digest' });
    expect(await handle(second)).toEqual({ staffNotice: 'digest' });
    expect(await mailsTo(recipients[0])).toEqual([]);
    const pending = () =>
      db.query(
        `SELECT application_id, digest_key FROM staff_digest_entries WHERE course_code = $1 ORDER BY created_at`,
        [code],
      );
    expect(await pending()).toHaveLength(2);

    // Before 09:00 nothing goes; after, one digest, and a second check the same day sends no other.
    await notices.sendDueDigests(at('2026-12-05', 8));
    expect(await mailsTo(recipients[0])).toEqual([]);
    await notices.sendDueDigests(at('2026-12-05', 10));
    await notices.sendDueDigests(at('2026-12-05', 11));
    const [digest] = await waitForMails(recipients[0], 1);
    expect(await mailsTo(recipients[1])).toHaveLength(1);
    expect(digest.subject).toBe('Сводка за 5 декабря 2026 г.: курс «Разработчик Node.js»');
    expect(digest.text).toContain(first.applicationId);
    expect(digest.text).toContain(second.applicationId);
    expect(digest.text).toContain('Причина: DUPLICATE, отменил: сотрудник школы');
    const keys = (await pending()).map((e: { digest_key: string }) => e.digest_key);
    expect(keys[0]).toMatch(new RegExp(`^staff-digest:${code}:2026-12-05:[0-9a-f]{12}$`));
    expect(keys[1]).toBe(keys[0]);

    // An event after the day's digest waits for the next day's.
    const late = notice(code, { staffEvent: 'signing-locked', signingLockReason: 'CODES_EXHAUSTED' });
    await handle(late);
    await notices.sendDueDigests(at('2026-12-05', 12));
    expect(await mailsTo(recipients[0])).toHaveLength(1);
    await notices.sendDueDigests(at('2026-12-06', 10));
    const digests = await waitForMails(recipients[0], 2);
    const next = digests.find((m) => m.subject.includes('6 декабря'))!;
    expect(next.text).toContain(late.applicationId);
    expect(next.text).not.toContain(first.applicationId);
  });

  it('the course service down leaves the events waiting; the next check sends them', async () => {
    const { code, recipients } = staffedCourse(true);
    await handle(notice(code));
    course.down = true;
    try {
      expect(await notices.sendDueDigests(at('2026-12-07', 10))).toBe(0);
    } finally {
      course.down = false;
    }
    const [{ count }] = await db.query(
      `SELECT count(*)::int AS count FROM staff_digest_entries WHERE course_code = $1 AND digest_key IS NULL`,
      [code],
    );
    expect(count).toBe(1);
    expect(await notices.sendDueDigests(at('2026-12-07', 10))).toBeGreaterThanOrEqual(1);
    expect((await waitForMails(recipients[0])).length).toBe(1);
  });

  it('an address the mail server refuses for good: the digest is given up, logged failed, not retried each check', async () => {
    const { code } = staffedCourse(true);
    await handle(notice(code));
    course.staff.set(code, { ...course.staff.get(code)!, recipients: ['no-such-domain@'] });
    await notices.sendDueDigests(at('2026-12-08', 10));
    await notices.sendDueDigests(at('2026-12-08', 11));
    const rows = await db.query(
      `SELECT d.status, d.response_code FROM deliveries d JOIN messages m ON m.id = d.message_id
        WHERE m.idempotency_key LIKE $1`,
      [`staff-digest:${code}:%`],
    );
    expect(rows).toEqual([{ status: 'failed', response_code: expect.any(Number) }]);
    expect(rows[0].response_code).toBeGreaterThanOrEqual(500);
  });
});
