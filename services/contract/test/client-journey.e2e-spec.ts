import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createConnection } from 'mongoose';
import {
  admin,
  type ApiClient,
  REPO_ROOT,
  waitFor,
  application,
  clientSession,
  crm,
  openCourse,
  processOf,
  validForm,
  stackEnv,
  EngineApi,
} from '@otus/testing';

const env = stackEnv();
const engine = new EngineApi(stackEnv().CAMUNDA_REST_URL);

/**
 * The client's side through the gateway, with every real worker: link session → form →
 * draft; what may and may not be stored where.
 */
let course: { code: string };
let amo: Awaited<ReturnType<typeof crm>>;

beforeAll(async () => {
  course = await openCourse({ priceKopecks: 12_345_600 });
  amo = await crm();
});

async function newClient(overrides: Record<string, unknown> = {}): Promise<{ id: string; client: ApiClient }> {
  const { body } = await amo.post('/applications', application(course.code, overrides));
  return { id: body.applicationId, client: await clientSession(body.applicationId) };
}

const stateOf = async (client: ApiClient) => (await client.get('')).body.state as string;

it('shows the form state with the course and its price', async () => {
  const { client, id } = await newClient();
  const view = await waitFor('the course snapshot', async () => {
    const { body } = await client.get('');
    return body.course.title && body;
  });
  expect(view).toMatchObject({
    applicationId: id,
    state: 'FORM',
    clientName: 'Иван Петров',
    course: { code: course.code, title: 'Node.js Developer', priceKopecks: 12_345_600 },
    documents: { draft: false, signed: false },
    signingCode: null,
  });
});

it('answers invalid form fields with a message per field and stores nothing', async () => {
  const { client, id } = await newClient();
  const { status, body } = await client.post('/form', {
    ...validForm(),
    fullName: '1',
    passportSeries: '45',
    passportNumber: 'abcdef',
    birthDate: '2030-01-01',
    email: 'not-an-email',
  });
  expect(status).toBe(400);
  const fields = Object.fromEntries(body.details.map((d: { field: string; errors: string[] }) => [d.field, d.errors]));
  expect(Object.keys(fields).sort()).toEqual(['email', 'fullName', 'passportNumber', 'passportSeries']);
  expect(fields.passportSeries).toEqual(['Серия паспорта — 4 цифры']);
  const dates = await client.post('/form', validForm({ birthDate: '2030-01-01', passportIssueDate: '2099-01-01' }));
  expect(dates.body.details.map((d: { field: string }) => d.field)).toEqual(['birthDate', 'passportIssueDate']);
  expect(await stateOf(client)).toBe('FORM');
  const mongo = await createConnection(env.CONTRACT_MONGO_URL).asPromise();
  try {
    const stored = await mongo.collection('applications').findOne({ _id: id as never });
    expect(stored).toMatchObject({ status: 'CREATED', personal: null, fullName: null });
  } finally {
    await mongo.close();
  }
});

it('refuses the form without consent, and records the consent given with the policy, address and browser', async () => {
  const { client, id } = await newClient();
  for (const consent of [false, 'no', undefined]) {
    const refused = await client.post('/form', validForm({ consent }));
    expect(refused.status).toBe(400);
    expect(refused.body.details).toEqual([
      { field: 'consent', errors: ['Без согласия на обработку персональных данных договор не заключить'] },
    ]);
  }
  expect(await stateOf(client)).toBe('FORM');
  const browser = client.withHeaders({ 'user-agent': 'Mozilla/5.0 (consent test)' });
  expect((await browser.post('/form', validForm())).status).toBe(204);
  const trail = (await (await admin()).get(`/api/contract/contracts/${id}/audit`)).body as {
    action: string;
    actor: string;
    ip?: string;
    userAgent?: string;
    details?: Record<string, unknown>;
  }[];
  const consents = trail.filter((e) => e.action === 'consent.given');
  expect(consents).toHaveLength(1);
  expect(consents[0]).toMatchObject({
    actor: 'client',
    ip: expect.stringMatching(/^127\./),
    userAgent: 'Mozilla/5.0 (consent test)',
    details: { policyUrl: env.CONTRACT_PRIVACY_POLICY_URL, policyVersion: env.CONTRACT_PRIVACY_POLICY_VERSION },
  });
  // Given before the data it covers.
  const actions = trail.map((e) => e.action);
  expect(actions.indexOf('consent.given')).toBeLessThan(actions.indexOf('client-data.submitted'));
});

it('takes the form submitted the moment the link opens, and the draft follows', async () => {
  const { client } = await newClient();
  expect((await client.post('/form', validForm())).status).toBe(204);
  expect((await client.post('/form', validForm())).body.code).toBe('FORM_CLOSED');
  await waitFor('the draft', async () => (await stateOf(client)) === 'SIGNING', { timeoutMs: 60_000 });
  const pdf = await client.download('/documents/draft');
  expect(pdf.status).toBe(200);
  expect(pdf.headers.get('content-type')).toBe('application/pdf');
  expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
});

it('takes a form sent ten times at once exactly once, and the mail stays with the CRM’s address', async () => {
  const dto = application(course.code);
  const { body } = await amo.post('/applications', dto);
  const client = await clientSession(body.applicationId, { via: 'service' });
  const answers = await Promise.all(
    Array.from({ length: 10 }, (_, i) => client.post('/form', validForm({ phone: `+7 999 000-00-0${i}` }))),
  );
  expect(answers.map((a) => a.status).sort()).toEqual([204, ...Array(9).fill(409)]);
  expect(answers.filter((a) => a.status === 409).every((a) => a.body.code === 'FORM_CLOSED')).toBe(true);
  await waitFor('the draft', async () => (await stateOf(client)) === 'SIGNING', { timeoutMs: 60_000 });
  // The form cannot move the signing channel: the process still mails the address the CRM gave.
  const variables = await engine.variables(await processOf(body.applicationId));
  expect(variables.clientEmail).toBe(dto.clientEmail);
});

/** The value on its own: digits inside a longer number (a timestamp in ms, an id) are not it. */
const standalone = (value: string) => new RegExp(`(?<!\\d)${value}(?!\\d)`);
/** The passport (series 4510, number 246813) as it may be written: number alone, run together, spaced. */
const PASSPORT = ['246813', '4510246813', '4510 246813'];

it('keeps personal data out of the process and sealed in MongoDB', async () => {
  const { client, id } = await newClient();
  await client.post('/form', validForm({ passportNumber: '246813' }));
  await waitFor('the draft', async () => (await stateOf(client)) === 'SIGNING', { timeoutMs: 60_000 });
  const processInstanceId = await processOf(id);
  const history = JSON.stringify(
    await Promise.all(
      [
        `/history/variable-instance?processInstanceId=${processInstanceId}`,
        `/history/detail?processInstanceId=${processInstanceId}`,
        `/history/external-task-log?processInstanceId=${processInstanceId}`,
      ].map((path) => engine.request('GET', path)),
    ),
  );
  for (const personal of [...PASSPORT, '4510', '1990-05-17', 'Тверская', 'ГУ МВД', 'Петров Иван Сергеевич']) {
    expect(history).not.toMatch(standalone(personal));
  }
  const mongo = await createConnection(env.CONTRACT_MONGO_URL).asPromise();
  try {
    const raw = JSON.stringify(await mongo.collection('applications').findOne({ _id: id as never }));
    expect(raw).toContain('"keyId"');
    for (const personal of [...PASSPORT, '1990-05-17', 'Тверская', 'ГУ МВД']) {
      expect(raw).not.toMatch(standalone(personal));
    }
  } finally {
    await mongo.close();
  }
  // Nor do the service logs, of the contract service or any other.
  for (const service of ['contract', 'course', 'promo', 'user', 'notification', 'engine', 'gateway-access']) {
    const log = readFileSync(join(REPO_ROOT, `.stack/logs/${service}.log`), 'utf8');
    for (const personal of PASSPORT) expect(log).not.toMatch(standalone(personal));
  }
});

it('lets a session see its own application only: another one is 404', async () => {
  const a = await newClient();
  const b = await newClient();
  const aOnB = a.client.at(b.client.baseUrl);
  expect((await aOnB.get('')).status).toBe(404);
  expect((await aOnB.download('/documents/draft')).status).toBe(404);
  expect((await aOnB.post('/form', validForm())).status).toBe(404);
  expect((await fetch(b.client.baseUrl)).status).toBe(401);
});

it('refuses signing steps before there is a draft', async () => {
  const { client } = await newClient();
  expect((await client.post('/signing-code')).body.code).toBe('APPLICATION_NOT_SIGNABLE');
  expect((await client.post('/signature', { signingCode: '123456' })).body.code).toBe('APPLICATION_NOT_SIGNABLE');
  expect((await client.post('/decline', { reason: 'Передумал' })).status).toBe(409);
});
