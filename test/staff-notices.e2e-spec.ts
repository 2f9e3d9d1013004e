import { admin, type ApiClient, crm, mailsTo, openCourse, uniqueAddress, waitForMails } from '@otus/testing';
import { apply, expectCleanEnd, reachSigning } from './support/journey-steps';

/**
 * The school's staff hear of a course's applications: the course names its recipients (and
 * its mentors), the model's staff-notice steps send through the real notification, course and
 * contract services.
 */
let staff: ApiClient;
let amo: Awaited<ReturnType<typeof crm>>;

beforeAll(async () => {
  staff = await admin();
  amo = await crm();
});

it('a decline reaches the course’s recipients and its mentor, with the reason chosen and no client data', async () => {
  const manager = uniqueAddress('manager');
  const mentorEmail = uniqueAddress('mentor');
  const course = await openCourse({
    staffNotifications: { recipients: [manager.toUpperCase()], includeMentors: true, dailyDigest: false },
  });
  const mentor = await staff.post('/api/course/mentors', {
    name: 'Анна Ментор',
    contacts: { email: mentorEmail },
    courseIds: [course.id],
  });
  expect(mentor.status).toBe(201);
  const shown = await staff.get(`/api/course/courses/${course.id}`);
  // Stored as typed, lower-cased: the address is compared and sent to as one.
  expect(shown.body.staffNotifications).toEqual({ recipients: [manager], includeMentors: true, dailyDigest: false });

  const started = await apply(amo, course.code);
  const client = await reachSigning(started);
  expect((await client.post('/decline', { reasonCode: 'PRICE' })).status).toBe(204);
  await expectCleanEnd(started.applicationId, 'End_Declined');

  for (const to of [manager, mentorEmail]) {
    const [mail] = await waitForMails(to);
    expect(mail.subject).toBe(`Клиент отказался от договора: курс «Node.js Developer»`);
    expect(mail.text).toContain('Причина: Дорого.');
    expect(mail.text).toContain(started.applicationId);
    expect(mail.text).not.toContain(started.email);
  }
  // The client got their own e-mail, not the staff's.
  expect((await mailsTo(started.email)).map((m) => m.subject)).not.toContain(
    'Клиент отказался от договора: курс «Node.js Developer»',
  );
});

it('a course without staff recipients tells nobody, and the application ends all the same', async () => {
  const course = await openCourse();
  expect((await staff.get(`/api/course/courses/${course.id}`)).body.staffNotifications).toEqual({
    recipients: [],
    includeMentors: false,
    dailyDigest: false,
  });
  const started = await apply(amo, course.code);
  const client = await reachSigning(started);
  expect((await client.post('/decline', { reasonCode: 'OTHER', reason: 'Передумал' })).status).toBe(204);
  await expectCleanEnd(started.applicationId, 'End_Declined');
});

it('refuses bad recipients with a message naming the field', async () => {
  const course = await openCourse();
  const patch = (body: unknown) => staff.patch(`/api/course/courses/${course.id}`, { staffNotifications: body });
  const fields = async (body: unknown) => {
    const { status, body: answer } = await patch(body);
    return [status, (answer.details ?? []).map((d: { field: string }) => d.field)];
  };
  expect(await fields({ recipients: ['not-an-address'], includeMentors: false, dailyDigest: false })).toEqual([
    400,
    ['staffNotifications.recipients'],
  ]);
  const many = Array.from({ length: 21 }, (_, i) => `m${i}@example.test`);
  expect((await fields({ recipients: many, includeMentors: false, dailyDigest: false }))[0]).toBe(400);
  expect(
    (await fields({ recipients: ['a@example.test', 'A@example.test'], includeMentors: false, dailyDigest: false }))[0],
  ).toBe(400);
  expect((await fields({ recipients: [], dailyDigest: true }))[0]).toBe(400);
  expect((await patch({ recipients: ['a@example.test'], includeMentors: false, dailyDigest: true })).status).toBe(200);
});
