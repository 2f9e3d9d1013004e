import { randomUUID } from 'node:crypto';
import { ApiClient, crm, openCourse, waitFor } from '@otus/testing';
import { createConnection, type Connection } from 'mongoose';
import { conclude, env, expectCleanEnd, MINUTE } from '../support/journey-steps';
import { applyAs, findPersonalData, traces, uniquePerson } from '../support/personal-data';
import { processesOf, stack } from './helpers';

/**
 * The retention job, with seconds instead of days: the stack's contract service is restarted with
 * short CONTRACT_RETENTION_* periods, a one-second check, and a database of its own (so the job
 * meets only this test's applications, not every one the other suites left), and with its
 * defaults again afterwards. Then every store and log is searched for the erased people.
 */
jest.setTimeout(4 * MINUTE);

const database = `contract_retention_${randomUUID().slice(0, 8)}`;
const mongoUrl = env.CONTRACT_MONGO_URL.replace(/\/[^/?]+(\?|$)/, `/${database}$1`);
const SHORT = {
  CONTRACT_MONGO_URL: mongoUrl,
  CONTRACT_RETENTION_WITHOUT_CONTRACT: 'PT5S',
  CONTRACT_RETENTION_CONCLUDED: 'PT40S',
  CONTRACT_ERASURE_CHECK_MS: '1000',
};
const contract = processesOf('contract');
let mongo: Connection;
let amo: Awaited<ReturnType<typeof crm>>;
let course: { code: string };

beforeAll(async () => {
  await stack('down', ...contract);
  await stack('up', ...contract, '--no-build', { env: SHORT });
  mongo = await createConnection(mongoUrl).asPromise();
  amo = await crm();
  course = await openCourse();
});

afterAll(async () => {
  await mongo?.db?.dropDatabase();
  await mongo?.close();
  await stack('down', ...contract);
  await stack('up', ...contract, '--no-build');
});

const erasureOf = async (applicationId: string) =>
  ((await mongo.collection('applications').findOne({ _id: applicationId as never })) as { erasure?: unknown } | null)
    ?.erasure ?? null;

it('erases each ended application once its retention has passed, by outcome, and leaves running ones alone', async () => {
  // Download links a day past their expiry go with the same pass; a live one stays.
  const links = mongo.collection('download_links');
  const link = (id: string, expiresAt: Date) =>
    links.insertOne({ _id: id.repeat(64) as never, documentId: 'd', applicationId: 'a', expiresAt });
  await link('a', new Date(Date.now() - 2 * 24 * 3_600_000));
  await link('b', new Date(Date.now() + 3_600_000));
  const declinedPerson = uniquePerson();
  const declined = await applyAs(amo, course.code, declinedPerson);
  const running = await applyAs(amo, course.code, uniquePerson(), { submit: false });
  const words = `Слова ${declinedPerson.clientName}`;
  expect((await declined.client.post('/decline', { reasonCode: 'OTHER', reason: words })).status).toBe(204);
  await expectCleanEnd(declined.applicationId, 'End_Declined');

  // Ended without a contract: erased within seconds (5 s retention, checked every second).
  const erasure = await waitFor('the declined application erased', () => erasureOf(declined.applicationId), {
    timeoutMs: MINUTE,
    intervalMs: 500,
  });
  expect(erasure).toMatchObject({ by: 'system', trigger: 'retention', reasonCode: 'RETENTION_EXPIRED' });
  expect(await findPersonalData(traces(declinedPerson, [words]), { mongoUrl })).toEqual([]);
  expect(await erasureOf(running.applicationId)).toBeNull();
  expect((await links.find({}).toArray()).map((l) => String(l._id)[0])).toEqual(['b']);

  // Concluded: kept for its own, longer period (40 s here), then erased the same way.
  const concludedPerson = uniquePerson();
  const concluded = await applyAs(amo, course.code, concludedPerson);
  await conclude(amo, { ...concluded, email: concludedPerson.clientEmail }, concluded.client);
  const endedAt = Date.now();
  await new Promise((r) => setTimeout(r, 8_000));
  expect(await erasureOf(concluded.applicationId)).toBeNull();
  expect((await findPersonalData([concludedPerson.clientEmail], { mongoUrl })).length).toBeGreaterThan(0);
  const signed = (await mongo
    .collection('documents')
    .findOne({ applicationId: concluded.applicationId, kind: 'signed' }))!;
  await waitFor('the concluded application erased', () => erasureOf(concluded.applicationId), {
    timeoutMs: 2 * MINUTE,
    intervalMs: 1_000,
  });
  // Whoever holds the signed contract can still check it: the register keeps its hash.
  const check = await new ApiClient(env.GATEWAY_URL).post('/api/contract/public/verifications', {
    sha256: signed.sha256,
  });
  expect(check.body).toMatchObject({ result: 'VALID', sha256: signed.sha256 });
  expect(check.body).not.toHaveProperty('signer');
  expect(Date.now() - endedAt).toBeGreaterThanOrEqual(35_000);
  expect(await findPersonalData(traces(concludedPerson), { mongoUrl })).toEqual([]);
  expect(await erasureOf(running.applicationId)).toBeNull();
});
