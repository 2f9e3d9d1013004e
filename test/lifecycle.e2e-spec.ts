import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import {
  admin,
  ApiClient,
  clientSession,
  type CrmWithReceiver,
  crmWithReceiver,
  openCourse,
  type ReceivedMail,
  staffToken,
  waitFor,
  validForm,
  waitForMails,
} from '@otus/testing';
import {
  apply,
  conclude,
  engine,
  env,
  expectCleanEnd,
  outcomeOf,
  reachSigning,
  requestCode,
  sign,
  submitForm,
  tokenIn,
  untilState,
  waitingIn,
} from './support/journey-steps';

/**
 * Staff and the CRM steer a running application through the gateway (issue: lifecycle control):
 * cancel it at any stage before the signature, move its form or signing deadline later within the
 * course's calendar; and the calendar itself ends an application whose course closed or began.
 * Each case is checked where it leaves its mark: the process history (which path ended it, the
 * timers), the seats and promo, the client's mailbox and page, the CRM's signed webhooks.
 */

const HOUR = 3_600_000;
let staff: ApiClient;
let manager: ApiClient;
let operator: ApiClient;
let amo: CrmWithReceiver['amo'];
let receiver: CrmWithReceiver['receiver'];
let webhooksFor: CrmWithReceiver['webhooksFor'];
let courseDb: DataSource;

beforeAll(async () => {
  staff = await admin();
  manager = new ApiClient(env.GATEWAY_URL, await staffToken({ roles: ['manager'], exact: true }));
  operator = new ApiClient(env.GATEWAY_URL, await staffToken({ roles: ['operator'], exact: true }));
  ({ amo, receiver, webhooksFor } = await crmWithReceiver());
  courseDb = await new DataSource({ type: 'postgres', url: env.COURSE_DB_URL }).initialize();
});

afterAll(async () => {
  await receiver.close();
  await courseDb.destroy();
});

const subjects = (mails: ReceivedMail[]) => mails.map((m) => m.subject);
const seatOf = async (applicationId: string) =>
  (await courseDb.query(`SELECT status, expires_at FROM seat_holds WHERE application_id = $1`, [applicationId]))[0] as
    { status: string; expires_at: Date } | undefined;

/** The webhook types the CRM got for the application, once `type` is among them. */
const webhooksUntil = (applicationId: string, type: string) =>
  waitFor(`webhook ${type} for ${applicationId}`, () => {
    const types = webhooksFor(applicationId).map((p) => p.type);
    return types.includes(type) && types;
  });

/** The timer jobs of the instance, all or those of one boundary event. */
const timers = (processInstanceId: string, boundaryId?: string) =>
  engine.request<{ id: string; dueDate: string }[]>(
    'GET',
    `/job?processInstanceId=${processInstanceId}&timers=true${boundaryId ? `&activityId=${boundaryId}` : ''}`,
  );

const staffPath = (applicationId: string, action: string) => `/api/contract/contracts/${applicationId}/${action}`;

describe('cancel', () => {
  it('by a manager while the form is awaited: the process ends Cancelled, the client and the CRM are told', async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData');
    await webhooksUntil(started.applicationId, 'link.sent');

    const cancelled = await manager.post(staffPath(started.applicationId, 'cancel'), {
      reasonCode: 'CLIENT_REQUEST',
      reasonText: 'Клиент перенёс обучение на следующий поток',
    });
    expect(cancelled.status).toBe(202);
    expect(cancelled.body).toMatchObject({
      status: 'CANCELLED',
      cancellation: { reasonCode: 'CLIENT_REQUEST', by: 'staff' },
    });

    expect(await outcomeOf(amo, started)).toMatchObject({
      status: 'CANCELLED',
      outcome: 'CANCELLED',
      outcomeReason: 'CLIENT_REQUEST',
    });
    await expectCleanEnd(started.applicationId, 'End_Cancelled');
    expect(await timers(processInstanceId)).toEqual([]);
    const cancelledHook = webhooksFor(started.applicationId).find((p) => p.type === 'application.cancelled');
    expect(cancelledHook).toMatchObject({ outcome: 'CANCELLED', outcomeReason: 'CLIENT_REQUEST' });
    const mails = await waitForMails(started.email, 2);
    const mail = mails.find((m) => /отмен/i.test(m.subject));
    expect(mail?.text).toContain('Клиент перенёс обучение на следующий поток');

    // The client's page says so; the form is closed.
    const client = await clientSession(started.applicationId);
    expect((await client.get('')).body).toMatchObject({ state: 'ENDED', outcome: 'CANCELLED' });
    expect((await client.post('/form', validForm())).status).toBe(409);
    const trail = await staff.get(`/api/contract/contracts/${started.applicationId}/audit`);
    expect(trail.body.map((e: { action: string }) => e.action)).toContain('application.cancelled');
  });

  it('by the CRM while the signature is awaited: the held seat is free again; a repeat answers the same', async () => {
    const course = await openCourse({ capacity: 1 });
    const started = await apply(amo, course.code);
    await reachSigning(started);
    expect(await seatOf(started.applicationId)).toMatchObject({ status: 'held' });

    const path = `/applications/${started.crmApplicationId}/cancel`;
    const first = await amo.post(path, { reasonCode: 'DUPLICATE' });
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ status: 'CANCELLED' });
    expect((await amo.post(path, { reasonCode: 'DUPLICATE' })).status).toBe(202);

    expect(await outcomeOf(amo, started)).toMatchObject({ outcome: 'CANCELLED', outcomeReason: 'DUPLICATE' });
    await expectCleanEnd(started.applicationId, 'End_Cancelled');
    expect(await seatOf(started.applicationId)).toMatchObject({ status: 'released' });
    expect((await staff.get(`/api/course/public/courses/${course.code}/availability`)).body).toMatchObject({
      freeSeats: 1,
    });
    expect(webhooksFor(started.applicationId).filter((p) => p.type === 'application.cancelled')).toHaveLength(1);
    const trail = await staff.get(`/api/contract/contracts/${started.applicationId}/audit`);
    const cancellations = trail.body.filter((e: { action: string }) => e.action === 'application.cancelled');
    expect(cancellations).toHaveLength(1);
    expect(cancellations[0].actor).toBe(`crm:${amo.clientId}`);
  });

  it('is refused after the signature, for another CRM, for an operator, and with a bad reason', async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    const other = await crmWithReceiver();
    try {
      // Another CRM's id is unknown to it, exactly as a made-up one.
      const foreign = await other.amo.post(`/applications/${started.crmApplicationId}/cancel`, {
        reasonCode: 'X_Y',
      });
      expect(foreign.status).toBe(404);
    } finally {
      await other.receiver.close();
    }
    expect((await operator.post(staffPath(started.applicationId, 'cancel'), { reasonCode: 'X_Y' })).status).toBe(403);
    const bad = await manager.post(staffPath(started.applicationId, 'cancel'), { reasonCode: 'lower case' });
    expect(bad.status).toBe(400);
    expect(bad.body.details?.[0]?.field).toBe('reasonCode');

    await conclude(amo, started);
    const late = await manager.post(staffPath(started.applicationId, 'cancel'), { reasonCode: 'TOO_LATE' });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('CONTRACT_SIGNED');
    expect((await amo.post(`/applications/${started.crmApplicationId}/cancel`, { reasonCode: 'X_Y' })).status).toBe(
      409,
    );
  });
});

describe('extend', () => {
  it("the form's deadline: the one timer moves, the link keeps working, the client and the CRM are told", async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData');
    const [before] = await timers(processInstanceId, 'Boundary_LinkExpired');
    const until = new Date(new Date(before.dueDate).getTime() + 48 * HOUR);
    until.setUTCSeconds(0, 0);

    const extended = await manager.post(staffPath(started.applicationId, 'extend'), { until: until.toISOString() });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ kind: 'link', to: until.toISOString(), change: 'extended' });

    await waitingIn(started.applicationId, 'Task_WaitClientData');
    const after = await timers(processInstanceId, 'Boundary_LinkExpired');
    expect(after).toHaveLength(1);
    expect(new Date(after[0].dueDate).getTime()).toBe(until.getTime());
    await webhooksUntil(started.applicationId, 'application.deadline-changed');
    await webhooksUntil(started.applicationId, 'link.sent');
    const mails = await waitForMails(started.email, 2);
    expect(subjects(mails)).toEqual(expect.arrayContaining([expect.stringMatching(/срок/i)]));

    // The client's page shows the new date, and the form still goes through.
    const client = await clientSession(started.applicationId);
    expect((await client.get('')).body.linkExpiresAt).toBe(until.toISOString());
    await submitForm(started, client);
    await untilState(client, 'SIGNING');
    const trail = await staff.get(`/api/contract/contracts/${started.applicationId}/audit`);
    expect(trail.body.find((e: { action: string }) => e.action === 'deadline.changed')).toBeDefined();
  });

  it('the signing deadline: the seat stays held until the new deadline, and the contract is still concluded', async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    const client = await reachSigning(started);
    const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitSignature');
    const [before] = await timers(processInstanceId, 'Boundary_SigningExpired');
    const until = new Date(new Date(before.dueDate).getTime() + 24 * HOUR);
    until.setUTCSeconds(0, 0);

    const extended = await manager.post(staffPath(started.applicationId, 'extend'), { until: until.toISOString() });
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ kind: 'signing', to: until.toISOString(), change: 'extended' });
    await webhooksUntil(started.applicationId, 'application.deadline-changed');
    const after = await timers(processInstanceId, 'Boundary_SigningExpired');
    expect(after.map((t) => new Date(t.dueDate).getTime())).toEqual([until.getTime()]);
    const seat = await waitFor('the hold to follow the deadline', async () => {
      const held = await seatOf(started.applicationId);
      return held && held.expires_at.getTime() > until.getTime() && held;
    });
    expect(seat.status).toBe('held');

    await sign(client, await requestCode(client, started.email));
    expect(await outcomeOf(amo, started)).toMatchObject({ outcome: 'CONCLUDED' });
    await expectCleanEnd(started.applicationId, 'End_Concluded');
  });

  it('two changes of the same deadline at once: one goes, the other is told it came second', async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData');
    const [before] = await timers(processInstanceId, 'Boundary_LinkExpired');
    const later = (hours: number) => new Date(new Date(before.dueDate).getTime() + hours * HOUR).toISOString();
    const answers = await Promise.all(
      [24, 48].map((hours) => manager.post(staffPath(started.applicationId, 'extend'), { until: later(hours) })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const won = answers.find((a) => a.status === 200)!.body.to as string;
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('APPLICATION_CHANGED');
    await waitingIn(started.applicationId, 'Task_WaitClientData');
    expect(
      (await timers(processInstanceId, 'Boundary_LinkExpired'))
        .map((t) => t.dueDate)
        .map((d) => new Date(d).toISOString()),
    ).toEqual([won]);
  });

  it('changes racing with different dates: each audited change starts where the one before ended', async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData');
    const [before] = await timers(processInstanceId, 'Boundary_LinkExpired');
    const start = new Date(before.dueDate).getTime();
    const answers = await Promise.all(
      [48, 24, 36, 12].map((hours, i) =>
        new Promise((r) => setTimeout(r, i * 15)).then(() =>
          manager.post(staffPath(started.applicationId, 'extend'), {
            until: new Date(start + hours * HOUR).toISOString(),
          }),
        ),
      ),
    );
    // A change judged against a deadline another was moving would "extend" it backwards.
    for (const answer of answers) {
      expect([200, 409, 422]).toContain(answer.status);
      if (answer.status === 409) expect(answer.body.code).toBe('APPLICATION_CHANGED');
    }
    const trail = (await staff.get(`/api/contract/contracts/${started.applicationId}/audit`)).body as {
      action: string;
      details: { from: string; to: string };
    }[];
    const changes = trail.filter((e) => e.action === 'deadline.changed').map((e) => e.details);
    expect(changes.length).toBe(answers.filter((a) => a.status === 200).length);
    let from = new Date(start).toISOString();
    for (const change of changes) {
      expect(change.from).toBe(from);
      expect(new Date(change.to).getTime()).toBeGreaterThan(new Date(change.from).getTime());
      from = change.to;
    }
    await waitingIn(started.applicationId, 'Task_WaitClientData');
    expect(
      (await timers(processInstanceId, 'Boundary_LinkExpired')).map((t) => new Date(t.dueDate).toISOString()),
    ).toEqual([from]);
  });

  it("is bounded by the course's calendar, must be later, and is for managers only", async () => {
    const enrolmentDeadline = new Date(Date.now() + 100 * HOUR);
    const course = await openCourse({ enrolmentDeadline: enrolmentDeadline.toISOString() });
    const started = await apply(amo, course.code);
    await waitingIn(started.applicationId, 'Task_WaitClientData');
    const path = staffPath(started.applicationId, 'extend');

    const beyond = await manager.post(path, { until: new Date(enrolmentDeadline.getTime() + HOUR).toISOString() });
    expect(beyond.status).toBe(422);
    expect(beyond.body.code).toBe('DEADLINE_OUT_OF_RANGE');
    const earlier = await manager.post(path, { until: new Date(Date.now() + HOUR).toISOString() });
    expect(earlier.status).toBe(422);
    expect((await manager.post(path, { until: 'tomorrow' })).status).toBe(400);
    expect((await operator.post(path, { until: enrolmentDeadline.toISOString() })).status).toBe(403);
    expect((await amo.post(`/applications/${started.crmApplicationId}/extend`, {})).status).toBe(404);
    // A manager sees the course's calendar before choosing a date; up to the enrolment deadline itself is fine.
    const seen = await manager.get(`/api/course/courses/${course.id}`);
    expect(seen.status).toBe(200);
    expect(new Date(seen.body.enrolmentDeadline).getTime()).toBe(enrolmentDeadline.getTime());
    expect((await manager.post(path, { until: enrolmentDeadline.toISOString() })).status).toBe(200);
  });
});

describe('a new link', () => {
  const exchange = (token: string) => new ApiClient(env.GATEWAY_URL).post('/api/user/client-links/exchange', { token });

  it.each([
    ['while the form is awaited', 'staff', false],
    ['while the signature is awaited', 'crm', true],
  ])('%s, asked for by %s: the old link stops opening, the new one works, the CRM is told', async (_, who, signing) => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    await waitingIn(started.applicationId, 'Task_WaitClientData');
    const [first] = await waitForMails(started.email, 1);
    const oldToken = tokenIn(first);
    if (signing) {
      await reachSigning(started);
      await waitingIn(started.applicationId, 'Task_WaitSignature');
    }
    const before = (await waitForMails(started.email, signing ? 2 : 1)).length;

    const asked =
      who === 'staff'
        ? await manager.post(staffPath(started.applicationId, 'reissue-link'), {})
        : await amo.post(`/applications/${started.crmApplicationId}/reissue-link`, {});
    expect(asked.status).toBe(204);

    const mails = await waitForMails(started.email, before + 1);
    const fresh = mails.filter((m) => /ссылк/i.test(m.subject) && tokenIn(m) !== oldToken);
    expect(fresh).toHaveLength(1);
    expect((await exchange(oldToken)).status).toBe(410);
    expect((await exchange(tokenIn(fresh[0]))).status).toBe(200);
    await webhooksUntil(started.applicationId, 'link.reissued');
    const trail = await staff.get(`/api/contract/contracts/${started.applicationId}/audit`);
    const asks = trail.body.filter((e: { action: string }) => e.action === 'link.reissue-requested');
    expect(asks.map((e: { actor: string }) => e.actor.split(':')[0])).toEqual([who]);
  });

  it('is refused once the client has signed', async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    await conclude(amo, started);
    const refused = await manager.post(staffPath(started.applicationId, 'reissue-link'), {});
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('CONTRACT_SIGNED');
    expect((await operator.post(staffPath(started.applicationId, 'reissue-link'), {})).status).toBe(403);
  });
});

describe('the course calendar', () => {
  it('bounds the form deadline by the enrolment deadline', async () => {
    const enrolmentDeadline = new Date(Date.now() + 5 * HOUR);
    const course = await openCourse({ enrolmentDeadline: enrolmentDeadline.toISOString() });
    const started = await apply(amo, course.code);
    const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData');
    const [timer] = await timers(processInstanceId, 'Boundary_LinkExpired');
    expect(new Date(timer.dueDate).getTime()).toBe(enrolmentDeadline.getTime());
  });

  it.each([
    ['COURSE_CLOSED', () => ({ status: 'closed' })],
    ['ENROLMENT_CLOSED', () => ({ enrolmentDeadline: new Date(Date.now() - 60_000).toISOString() })],
    [
      'COURSE_STARTED',
      // Starts today, enrolment open until the end of today: only "already started" applies.
      () => {
        const today = new Date().toISOString().slice(0, 10);
        return { startDate: today, enrolmentDeadline: `${today}T23:59:59Z` };
      },
    ],
  ])('a course change ends an application waiting for the form, with no one acting: %s', async (reason, change) => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData');
    expect((await staff.patch(`/api/course/courses/${course.id}`, change())).status).toBe(200);

    expect(await outcomeOf(amo, started)).toMatchObject({ outcome: 'COURSE_UNAVAILABLE', outcomeReason: reason });
    await expectCleanEnd(started.applicationId, 'End_CourseUnavailable');
    const ran = (await engine.activities(processInstanceId)).map((a) => a.activityId);
    expect(ran).toEqual(expect.arrayContaining(['Start_CourseChanged', 'Task_ReassessCourse']));
    expect(await seatOf(started.applicationId)).toBeUndefined();
    expect(webhooksFor(started.applicationId).find((p) => p.type === 'application.course-unavailable')).toMatchObject({
      outcome: 'COURSE_UNAVAILABLE',
      outcomeReason: reason,
    });
    const mails = await waitForMails(started.email, 2);
    expect(subjects(mails)).toHaveLength(2);
    const client = await clientSession(started.applicationId);
    expect((await client.get('')).body).toMatchObject({ state: 'ENDED', outcome: 'COURSE_UNAVAILABLE' });
  });

  it('a course closed while the signature is awaited: the held seat is released', async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    const client = await reachSigning(started);
    await waitingIn(started.applicationId, 'Task_WaitSignature');
    expect((await staff.patch(`/api/course/courses/${course.id}`, { status: 'closed' })).status).toBe(200);

    expect(await outcomeOf(amo, started)).toMatchObject({
      outcome: 'COURSE_UNAVAILABLE',
      outcomeReason: 'COURSE_CLOSED',
    });
    await expectCleanEnd(started.applicationId, 'End_CourseUnavailable');
    expect(await seatOf(started.applicationId)).toMatchObject({ status: 'released' });
    expect((await client.get('')).body).toMatchObject({ state: 'ENDED', outcome: 'COURSE_UNAVAILABLE' });
  });

  it("an enrolment deadline moved before the form's deadline brings that deadline back to it", async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    const processInstanceId = await waitingIn(started.applicationId, 'Task_WaitClientData');
    const enrolmentDeadline = new Date(Date.now() + 5 * HOUR);
    enrolmentDeadline.setUTCSeconds(0, 0);
    const patched = await staff.patch(`/api/course/courses/${course.id}`, {
      enrolmentDeadline: enrolmentDeadline.toISOString(),
    });
    expect(patched.status).toBe(200);

    await webhooksUntil(started.applicationId, 'application.deadline-changed');
    const hook = webhooksFor(started.applicationId).find(
      (p) => p.type === 'application.deadline-changed',
    ) as unknown as {
      data: { deadline: string; change: string; deadlineKind: string };
    };
    expect(hook.data).toMatchObject({
      deadline: enrolmentDeadline.toISOString(),
      change: 'shortened',
      deadlineKind: 'link',
    });
    const after = await timers(processInstanceId, 'Boundary_LinkExpired');
    expect(after.map((t) => new Date(t.dueDate).getTime())).toEqual([enrolmentDeadline.getTime()]);
    const mails = await waitForMails(started.email, 2);
    expect(subjects(mails)).toEqual(expect.arrayContaining([expect.stringMatching(/сокращ/i)]));
    // Moving it later again changes nothing by itself: only staff extend a deadline.
    await staff.patch(`/api/course/courses/${course.id}`, {
      enrolmentDeadline: new Date(Date.now() + 100 * HOUR).toISOString(),
    });
    await waitFor(
      'the change to be reassessed',
      async () =>
        (await engine.activities(processInstanceId)).filter((a) => a.activityId === 'End_CourseReassessed').length ===
        2,
    );
    expect((await timers(processInstanceId, 'Boundary_LinkExpired')).map((t) => new Date(t.dueDate).getTime())).toEqual(
      [enrolmentDeadline.getTime()],
    );
  });
});

describe('as an attacker would try it', () => {
  it('an operator, the client or no one cannot steer through path variants; ten cancels at once cancel once', async () => {
    const course = await openCourse();
    const started = await apply(amo, course.code);
    await waitingIn(started.applicationId, 'Task_WaitClientData');
    const id = started.applicationId;
    const variants = [
      `/api/contract/contracts/${id}/cancel/`,
      `/api/contract/Contracts/${id}/Cancel`,
      `/api/contract/contracts/${id}/%63ancel`,
      `/api/contract/contracts/${encodeURIComponent(id)}/./cancel`,
      `/api/contract//contracts/${id}/cancel`,
    ];
    const client = await clientSession(id);
    const anonymous = new ApiClient(env.GATEWAY_URL);
    for (const path of variants) {
      for (const who of [operator, anonymous]) {
        const { status } = await who.post(path, { reasonCode: 'ATTACK' });
        expect(`${path} → ${status}`).toMatch(/ → 4\d\d$/);
      }
    }
    // The client's own session is for its pages, not for staff routes.
    const cookie = (client as unknown as { headers: Record<string, string> }).headers.cookie;
    expect(cookie).toMatch(/=/);
    const viaClient = await new ApiClient(env.GATEWAY_URL)
      .withHeaders({ cookie })
      .post(`/api/contract/contracts/${id}/cancel`, { reasonCode: 'ATTACK' });
    expect(viaClient.status).toBe(401);
    expect((await amo.get(`/applications/${started.crmApplicationId}`)).body.status).toBe('CREATED');

    const all = await Promise.all(
      Array.from({ length: 10 }, () =>
        amo.post(`/applications/${started.crmApplicationId}/cancel`, { reasonCode: 'PARALLEL' }),
      ),
    );
    expect(all.every((r) => r.status === 202 || r.status === 409)).toBe(true);
    expect(all.filter((r) => r.status === 202).length).toBeGreaterThanOrEqual(1);
    expect(await outcomeOf(amo, started)).toMatchObject({ outcome: 'CANCELLED', outcomeReason: 'PARALLEL' });
    await expectCleanEnd(id, 'End_Cancelled');
    const trail = await staff.get(`/api/contract/contracts/${id}/audit`);
    expect(trail.body.filter((e: { action: string }) => e.action === 'application.cancelled')).toHaveLength(1);
    await webhooksUntil(id, 'application.cancelled');
    expect(webhooksFor(id).filter((p) => p.type === 'application.cancelled')).toHaveLength(1);
  });
});

it('every action answers 404 for an unknown application', async () => {
  const id = randomUUID();
  expect((await manager.post(staffPath(id, 'cancel'), { reasonCode: 'X_Y' })).status).toBe(404);
  expect((await manager.post(staffPath(id, 'extend'), { until: new Date().toISOString() })).status).toBe(404);
  expect((await amo.post(`/applications/crm-${id}/cancel`, { reasonCode: 'X_Y' })).status).toBe(404);
});
