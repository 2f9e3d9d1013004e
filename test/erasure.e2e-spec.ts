import { createHash } from 'node:crypto';
import { admin, ApiClient, crm, openCourse, processOf, staffToken } from '@otus/testing';
import { conclude, engine, env, expectCleanEnd, promoCodeFor } from './support/journey-steps';
import { applyAs, findPersonalData, traces, uniquePerson } from './support/personal-data';

/**
 * Erasure of a person's data on request, through the gateway as staff would ask for it, then a
 * search of every store the system writes (the services' PostgreSQL databases, the engine's, the
 * contract service's MongoDB) and of its logs for anything that identifies the person.
 * The retention job (the same erasure, by the clock) is in test/fault/retention.fault-spec.ts.
 */
let staff: ApiClient;
let operator: ApiClient;
let manager: ApiClient;
let amo: Awaited<ReturnType<typeof crm>>;
let course: { id: string; code: string };

beforeAll(async () => {
  staff = await admin();
  operator = new ApiClient(env.GATEWAY_URL, await staffToken({ roles: ['operator'], exact: true }));
  manager = new ApiClient(env.GATEWAY_URL, await staffToken({ roles: ['manager'], exact: true }));
  amo = await crm();
  course = await openCourse();
});

const erase = (who: ApiClient, applicationId: string, reasonCode = 'CLIENT_REQUEST') =>
  who.post(`/api/contract/contracts/${applicationId}/erasure`, { reasonCode });

it('erases a declined application everywhere, keeps an anonymised record, and leaves nothing findable', async () => {
  const person = uniquePerson();
  const { applicationId, client } = await applyAs(amo, course.code, person, {
    promoCode: await promoCodeFor(course.code),
  });
  const words = `Причина для ${person.clientName}`;
  expect((await client.post('/decline', { reasonCode: 'OTHER', reason: words })).status).toBe(204);
  await expectCleanEnd(applicationId, 'End_Declined');
  const processInstanceId = await processOf(applicationId);
  // The promo service counted the use by the e-mail's hash: that identifies the person too.
  const emailHash = createHash('sha256').update(person.clientEmail.trim().toLowerCase()).digest('hex');
  const needles = traces(person, [words, emailHash]);
  // Before: the person is in the stores (so the search below can find them), the hash in the promo service's.
  expect((await findPersonalData(needles)).length).toBeGreaterThan(0);
  expect(await findPersonalData([emailHash])).toEqual([`PROMO_DB_URL redemptions: ${emailHash}`]);

  const answer = await erase(staff, applicationId);
  expect(answer.status).toBe(200);
  expect(answer.body).toMatchObject({
    applicationId,
    trigger: 'request',
    reasonCode: 'CLIENT_REQUEST',
    alreadyErased: false,
  });

  expect(await findPersonalData(needles)).toEqual([]);
  // The engine's history of the instance is gone.
  expect(await engine.request('GET', `/history/variable-instance?processInstanceId=${processInstanceId}`)).toEqual([]);

  // What stays: ids, course, outcome, dates, the documents' hashes, and a trail that still verifies.
  const record = await staff.get(`/api/contract/contracts/${applicationId}`);
  expect(record.body).toMatchObject({ applicationId, courseCode: course.code, outcome: 'DECLINED', clientName: '' });
  const trail = (await staff.get(`/api/contract/contracts/${applicationId}/audit`)).body as {
    action: string;
    ip?: string;
    userAgent?: string;
  }[];
  expect(trail.at(-1)).toMatchObject({ action: 'personal-data.erased' });
  expect(trail.filter((e) => e.ip || e.userAgent)).toEqual([]);
  expect((await staff.get(`/api/contract/contracts/${applicationId}/audit/verification`)).body).toMatchObject({
    valid: true,
  });
  const draft = await staff.download(`/api/contract/contracts/${applicationId}/documents/draft`);
  expect([draft.status, JSON.parse(draft.bytes.toString()).code]).toEqual([410, 'DOCUMENT_ERASED']);

  // Again: nothing more to do.
  expect((await erase(staff, applicationId)).body).toMatchObject({ alreadyErased: true });
});

it('refuses a concluded contract within its legal period, naming until when it is kept', async () => {
  const person = uniquePerson();
  const { applicationId, crmApplicationId, client } = await applyAs(amo, course.code, person);
  await conclude(amo, { applicationId, crmApplicationId, email: person.clientEmail }, client);
  const refused = await erase(staff, applicationId);
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe('RETENTION_REQUIRED');
  // Five years (CONTRACT_RETENTION_CONCLUDED) from its end.
  const until = new Date(refused.body.details.retainUntil);
  expect(until.getUTCFullYear() - new Date().getUTCFullYear()).toBe(5);
  expect((await findPersonalData([person.clientEmail])).length).toBeGreaterThan(0);
});

it('refuses a running application (cancel it first), and anyone but an administrator', async () => {
  const person = uniquePerson();
  const { applicationId } = await applyAs(amo, course.code, person);
  const running = await erase(staff, applicationId);
  expect([running.status, running.body.code]).toEqual([409, 'APPLICATION_RUNNING']);
  for (const who of [operator, manager]) expect((await erase(who, applicationId)).status).toBe(403);
  expect((await erase(new ApiClient(env.GATEWAY_URL), applicationId)).status).toBe(401);
  // The CRM's key is not a staff session, whichever way the path is written.
  const crmAttempt = await amo.post(`/contracts/${applicationId}/erasure`, { reasonCode: 'CLIENT_REQUEST' });
  expect(crmAttempt.status).toBe(401);
  for (const path of [
    `/api/contract/Contracts/${applicationId}/erasure`,
    `/api/contract/contracts/${applicationId}/erasure/`,
    `/api/contract/contracts/${applicationId}/%65rasure`,
  ]) {
    expect([401, 403, 404]).toContain((await operator.post(path, { reasonCode: 'CLIENT_REQUEST' })).status);
  }
  const badReason = await erase(staff, applicationId, 'BORED');
  expect([badReason.status, badReason.body.details?.[0]?.field]).toEqual([400, 'reasonCode']);
  expect(
    (await staff.post(`/api/contract/contracts/no-such-application/erasure`, { reasonCode: 'OTHER' })).status,
  ).toBe(404);
  // Still all there (the address and passport are sealed at rest: the e-mail is found in clear).
  expect((await findPersonalData([person.clientEmail])).length).toBeGreaterThan(0);
});
