import { createConnection } from 'mongoose';
import { DataSource } from 'typeorm';
import { apply, reachSigning, engine, env, expectCleanEnd, outcomeOf, promoCodeFor } from './support/journey-steps';
import {
  admin,
  type ApiClient,
  clientSession,
  type CrmWithReceiver,
  crmWithReceiver,
  openCourse,
  processOf,
  type ReceivedMail,
  validForm,
  waitFor,
  waitForMails,
} from '@otus/testing';

/**
 * Whole journeys through the real gateway with every service, worker and the engine: each way
 * an application can end, checked where each part keeps its record — the client's mailbox, the
 * CRM's webhook receiver (signature verified), PostgreSQL, MongoDB and the process history.
 * The deadline endings (link expired, signing expired) are in test/fault/deadlines.fault-spec.ts.
 */

let staff: ApiClient;
let amo: CrmWithReceiver['amo'];
let receiver: CrmWithReceiver['receiver'];
let webhooksFor: CrmWithReceiver['webhooksFor'];
let webhookTypes: CrmWithReceiver['webhookTypes'];
let courseDb: DataSource;
let promoDb: DataSource;

beforeAll(async () => {
  staff = await admin();
  ({ amo, receiver, webhooksFor, webhookTypes } = await crmWithReceiver());
  courseDb = await new DataSource({ type: 'postgres', url: env.COURSE_DB_URL }).initialize();
  promoDb = await new DataSource({ type: 'postgres', url: env.PROMO_DB_URL }).initialize();
});

afterAll(async () => {
  await receiver.close();
  await courseDb.destroy();
  await promoDb.destroy();
});

const subjects = (mails: ReceivedMail[]) => mails.map((m) => m.subject);

describe.each([
  ['COURSE_NOT_FOUND', async () => 'NO-SUCH-COURSE', /не найден в нашем каталоге/],
  ['ENROLMENT_CLOSED', async () => (await openCourse({ status: 'closed' })).code, /Набор на курс «.+» закрыт/],
  [
    'COURSE_STARTED',
    // Starts today, enrolment open until the end of today: only "already started" applies.
    async () => {
      const today = new Date().toISOString().slice(0, 10);
      return (await openCourse({ startDate: today, enrolmentDeadline: `${today}T23:59:59Z` })).code;
    },
    /уже начался/,
  ],
  ['NO_FREE_SEATS', async () => (await openCourse({ capacity: 0 })).code, /не осталось свободных мест/],
])('rejected: %s', (reason, courseCode, text) => {
  it('tells the client why, tells the CRM, and ends Rejected', async () => {
    const started = await apply(amo, await courseCode());
    expect(await outcomeOf(amo, started)).toMatchObject({ outcome: 'REJECTED', outcomeReason: reason });
    const [mail] = await waitForMails(started.email, 1);
    expect(mail.text).toMatch(text);
    expect(await webhookTypes(started.applicationId)).toEqual(['application.rejected']);
    expect(webhooksFor(started.applicationId)[0]).toMatchObject({ outcome: 'REJECTED', outcomeReason: reason });
    await expectCleanEnd(started.applicationId, 'End_Rejected');
  });
});

it('concluded: seat booked, promo redeemed, signed PDF stored and mailed, CRM told', async () => {
  const course = await openCourse({ priceKopecks: 10_000_000, capacity: 3 });
  const code = await promoCodeFor(course.code);

  const started = await apply(amo, course.code, { promoCode: code.toLowerCase() });
  const client = await reachSigning(started);
  expect((await client.get('')).body.course).toMatchObject({
    priceKopecks: 10_000_000,
    discountKopecks: 1_000_000,
    finalPriceKopecks: 9_000_000,
    promoStatus: 'APPLIED',
  });
  await client.post('/signing-code');
  const codeMail = (await waitForMails(started.email, 3)).find((m) => /Код/.test(m.subject))!;
  expect((await client.post('/signature', { signingCode: /\b(\d{6})\b/.exec(codeMail.text)![1] })).status).toBe(204);

  expect(await outcomeOf(amo, started)).toMatchObject({
    status: 'CONCLUDED',
    outcome: 'CONCLUDED',
    outcomeReason: null,
  });
  await expectCleanEnd(started.applicationId, 'End_Concluded');
  expect(await webhookTypes(started.applicationId)).toEqual(['link.sent', 'contract.signed']);
  // Each step the client took, once, beside the outcome (their own branches: in any order).
  const all = await waitFor('the step webhooks', () => {
    const got = webhooksFor(started.applicationId);
    return ['link.opened', 'data.submitted', 'draft.ready'].every((t) => got.some((p) => p.type === t)) && got;
  });
  expect(all.map((p) => p.type).sort()).toEqual(
    ['contract.signed', 'data.submitted', 'draft.ready', 'link.opened', 'link.sent'].sort(),
  );
  // In the order the client went, by when each happened (their own branches may arrive in any order).
  const at = (type: string) => Date.parse(all.find((p) => p.type === type)!.occurredAt);
  expect(at('link.opened')).toBeLessThanOrEqual(at('data.submitted'));
  expect(at('data.submitted')).toBeLessThanOrEqual(at('draft.ready'));
  expect(at('draft.ready')).toBeLessThanOrEqual(at('contract.signed'));
  const draftVars = await engine.variables(await processOf(started.applicationId));
  expect(all.find((p) => p.type === 'draft.ready')).toMatchObject({
    outcome: 'DRAFT_READY',
    final: false,
    data: {
      courseCode: course.code,
      draftDocumentId: draftVars.draftDocumentId,
      draftSha256: draftVars.draftSha256,
      promoStatus: 'APPLIED',
      discountKopecks: 1_000_000,
      finalPriceKopecks: 9_000_000,
    },
  });
  expect(all.find((p) => p.type === 'link.opened')).toMatchObject({
    outcome: 'LINK_OPENED',
    data: { courseCode: course.code },
  });
  // Nothing the client typed reaches the CRM in these (the form's values are validForm()'s).
  const form = validForm();
  for (const value of [form.fullName, form.passportNumber, form.address, form.phone]) {
    expect(JSON.stringify(all)).not.toContain(String(value));
  }

  const mails = await waitForMails(started.email, 4);
  expect(subjects(mails)).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^Оформление договора/),
      expect.stringMatching(/готов к подписанию/),
      expect.stringMatching(/подписан/),
    ]),
  );
  expect(mails.find((m) => /подписан/.test(m.subject) && m.attachments?.length)).toBeDefined();

  const [seat] = await courseDb.query(`SELECT status FROM seat_holds WHERE application_id = $1`, [
    started.applicationId,
  ]);
  expect(seat).toEqual({ status: 'confirmed' });
  const [redemption] = await promoDb.query(
    `SELECT status, discount_kopecks, final_price_kopecks FROM redemptions WHERE application_id = $1`,
    [started.applicationId],
  );
  expect(redemption).toEqual({ status: 'redeemed', discount_kopecks: 1_000_000, final_price_kopecks: 9_000_000 });

  const mongo = await createConnection(env.CONTRACT_MONGO_URL).asPromise();
  try {
    const documents = await mongo
      .collection('documents')
      .find({ applicationId: started.applicationId })
      .project({ kind: 1, sha256: 1 })
      .toArray();
    expect(documents.map((d) => d.kind).sort()).toEqual(['draft', 'signed']);
    const variables = await engine.variables(await processOf(started.applicationId));
    expect(documents.find((d) => d.kind === 'signed')!.sha256).toBe(variables.signedSha256);
  } finally {
    await mongo.close();
  }
});

it('declined: seat and promo released, the client and the CRM told, with the reason chosen and the words', async () => {
  const course = await openCourse({ capacity: 1 });
  const started = await apply(amo, course.code);
  const client = await reachSigning(started);
  const [held] = await courseDb.query(`SELECT status FROM seat_holds WHERE application_id = $1`, [
    started.applicationId,
  ]);
  expect(held).toEqual({ status: 'held' });
  expect((await client.post('/decline', { reasonCode: 'SCHEDULE', reason: 'Неудобное расписание' })).status).toBe(204);

  expect(await outcomeOf(amo, started)).toMatchObject({ status: 'DECLINED', outcome: 'DECLINED' });
  await expectCleanEnd(started.applicationId, 'End_Declined');
  expect(await webhookTypes(started.applicationId)).toEqual(['link.sent', 'contract.declined']);
  expect(webhooksFor(started.applicationId).find((p) => p.type === 'contract.declined')).toMatchObject({
    outcome: 'DECLINED',
    outcomeReason: 'SCHEDULE',
    data: { courseCode: course.code, reasonCode: 'SCHEDULE', reasonText: 'Неудобное расписание' },
  });
  // The client's words are not in the process's history, nor in clear in the delivery log.
  const variables = await engine.variables(await processOf(started.applicationId));
  expect(JSON.stringify(variables)).not.toContain('Неудобное');
  const notificationDb = await new DataSource({ type: 'postgres', url: env.NOTIFICATION_DB_URL }).initialize();
  try {
    const stored = await notificationDb.query(
      `SELECT content::text AS content FROM messages WHERE application_id = $1`,
      [started.applicationId],
    );
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.map((m: { content: string }) => m.content).join()).not.toContain('Неудобное');
  } finally {
    await notificationDb.destroy();
  }
  expect(subjects(await waitForMails(started.email, 3))).toEqual(
    expect.arrayContaining([expect.stringMatching(/отказались/)]),
  );
  const [released] = await courseDb.query(`SELECT status FROM seat_holds WHERE application_id = $1`, [
    started.applicationId,
  ]);
  expect(released).toEqual({ status: 'released' });
  // The seat is free again: the next application gets it.
  expect((await staff.get(`/api/course/public/courses/${course.code}/availability`)).body.freeSeats ?? 1).toBe(1);
});

it('no seats at hold time: the last seat went to another client meanwhile; promo released, client and CRM told', async () => {
  const course = await openCourse({ capacity: 1 });
  const first = await apply(amo, course.code);
  const second = await apply(amo, course.code);
  await reachSigning(first);
  const late = await clientSession(second.applicationId);
  expect((await late.post('/form', validForm())).status).toBe(204);

  expect(await outcomeOf(amo, second)).toMatchObject({ outcome: 'NO_SEATS' });
  await expectCleanEnd(second.applicationId, 'End_NoSeats');
  expect(await webhookTypes(second.applicationId)).toEqual(['link.sent', 'application.no-seats']);
  expect(subjects(await waitForMails(second.email, 2))).toEqual(
    expect.arrayContaining([expect.stringMatching(/мест/i)]),
  );
  expect(await courseDb.query(`SELECT 1 FROM seat_holds WHERE application_id = $1`, [second.applicationId])).toEqual(
    [],
  );
  expect((await late.get('')).body).toMatchObject({ state: 'ENDED', outcome: 'NO_SEATS' });
});
