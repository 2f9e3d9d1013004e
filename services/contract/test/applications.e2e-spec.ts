import {
  ApiClient,
  staffToken,
  waitFor,
  application,
  crm,
  openCourse,
  serviceMetric,
  stackEnv,
  EngineApi,
} from '@otus/testing';

const env = stackEnv();
const engine = new EngineApi(stackEnv().CAMUNDA_REST_URL);

/** The CRM's side: intake through the gateway with an API key, idempotent by the CRM's id. */
let course: { code: string };
let amo: Awaited<ReturnType<typeof crm>>;

beforeAll(async () => {
  course = await openCourse();
  amo = await crm();
});

const processesFor = (applicationId: string) =>
  engine.request<unknown[]>('GET', `/history/process-instance?processInstanceBusinessKey=${applicationId}`);

it('takes an application, starts one process, and answers a repeat with the same application', async () => {
  const dto = application(course.code);
  const first = await amo.post('/applications', dto);
  expect(first.status).toBe(201);
  expect(first.body).toMatchObject({
    crmApplicationId: dto.crmApplicationId,
    courseCode: course.code,
    status: 'CREATED',
    outcome: null,
  });
  const again = await amo.post('/applications', dto);
  expect(again.status).toBe(200);
  expect(again.body).toEqual(first.body);
  expect(await processesFor(first.body.applicationId)).toHaveLength(1);
  expect((await amo.get(`/applications/${dto.crmApplicationId}`)).body).toEqual(first.body);
});

it('starts one process for ten simultaneous posts of the same application', async () => {
  const dto = application(course.code);
  const answers = await Promise.all(Array.from({ length: 10 }, () => amo.post('/applications', dto)));
  const ids = new Set(answers.map((a) => a.body.applicationId));
  expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
  expect(ids.size).toBe(1);
  expect(await processesFor([...ids][0])).toHaveLength(1);
});

it('puts contact data, never more, into the process', async () => {
  // An allowed host (CRM_WEBHOOK_ALLOWED_HOSTS of the local stack) with a closed port: nothing listens.
  const dto = application(course.code, { promoCode: 'SPRING10', webhookUrl: 'http://127.77.0.1:9/crm-hooks' });
  const { body } = await amo.post('/applications', dto);
  const [instance] = await processesFor(body.applicationId);
  const variables = await engine.variables((instance as { id: string }).id);
  expect(variables).toMatchObject({
    applicationId: body.applicationId,
    crmApplicationId: dto.crmApplicationId,
    crmClientId: amo.clientId,
    crmWebhookUrl: 'http://127.77.0.1:9/crm-hooks',
    courseCode: course.code,
    clientName: dto.clientName,
    clientEmail: dto.clientEmail,
    promoCode: 'SPRING10',
    linkTtl: 'PT72H',
    signTtl: 'PT48H',
  });
});

it('rejects invalid applications field by field, unknown fields too, and creates nothing', async () => {
  const { status, body } = await amo.post('/applications', {
    crmApplicationId: 'has spaces',
    courseCode: '',
    clientName: 'И',
    clientEmail: 'nope',
    clientPhone: 'call me',
    webhookUrl: 'ftp://x',
  });
  expect(status).toBe(400);
  expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual([
    'clientEmail',
    'clientName',
    'clientPhone',
    'courseCode',
    'crmApplicationId',
    'webhookUrl',
  ]);
  expect((await amo.post('/applications', { ...application(course.code), passport: '4510 987654' })).status).toBe(400);
  expect((await amo.get('/applications/has spaces')).status).toBe(404);
});

describe('webhookUrl: only hosts in CRM_WEBHOOK_ALLOWED_HOSTS (the local stack allows 127.77.0.1 and localhost)', () => {
  it.each([
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['the engine by its service name', 'http://engine:8081/engine-rest/deployment', 'engine'],
    ['an allowed name as a user name before the real host', 'http://127.77.0.1@169.254.169.254/', '169.254.169.254'],
    ['the engine by its address', 'http://127.0.0.1:8081/engine-rest/deployment', '127.0.0.1'],
    [
      'an allowed name as a prefix of another domain',
      'https://localhost.attacker.test/hook',
      'localhost.attacker.test',
    ],
    ['every interface, which reaches loopback too', 'http://0.0.0.0:8081/engine-rest', '0.0.0.0'],
  ])('refuses %s with 400 on the field, and creates nothing', async (_what, webhookUrl, host) => {
    const dto = application(course.code, { webhookUrl });
    const { status, body } = await amo.post('/applications', dto);
    expect(status).toBe(400);
    expect(body).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [{ field: 'webhookUrl', errors: [`webhookUrl host ${host} is not in CRM_WEBHOOK_ALLOWED_HOSTS`] }],
    });
    expect((await amo.get(`/applications/${dto.crmApplicationId}`)).status).toBe(404);
  });

  it('takes an allowed host, whatever its case, port and path', async () => {
    const dto = application(course.code, { webhookUrl: 'http://LocalHost:9/hooks/otus?token=abc' });
    const { status, body } = await amo.post('/applications', dto);
    expect(status).toBe(201);
    const [instance] = await processesFor(body.applicationId);
    expect(await engine.variables((instance as { id: string }).id)).toMatchObject({
      crmWebhookUrl: 'http://LocalHost:9/hooks/otus?token=abc',
    });
  });
});

it('keeps each CRM to its own applications, and staff tokens out of the CRM door', async () => {
  const dto = application(course.code);
  await amo.post('/applications', dto);
  const other = await crm();
  expect((await other.get(`/applications/${dto.crmApplicationId}`)).status).toBe(404);
  const staff = new ApiClient(`${env.GATEWAY_URL}/api/contract`).withToken(await staffToken());
  expect((await staff.get(`/applications/${dto.crmApplicationId}`)).status).toBe(401);
});

it('reports how the application ended: rejected with its reason', async () => {
  const dto = application('NO-SUCH-COURSE');
  await amo.post('/applications', dto);
  const ended = await waitFor(
    'the rejection',
    async () => {
      const { body } = await amo.get(`/applications/${dto.crmApplicationId}`);
      return body.outcome && body;
    },
    { timeoutMs: 60_000 },
  );
  expect(ended).toMatchObject({ status: 'CREATED', outcome: 'REJECTED', outcomeReason: 'COURSE_NOT_FOUND' });
});

const endedCount = (outcome: string) =>
  serviceMetric('contract', 'contract_applications_total', { event: 'ended', outcome });

it('counts an application that ended once, however many ask about it at the same moment', async () => {
  const dto = application('NO-SUCH-COURSE');
  const { body } = await amo.post('/applications', dto);
  await waitFor('the process to end', async () => {
    const [process] = await engine.request<{ state: string }[]>(
      'GET',
      `/history/process-instance?processInstanceBusinessKey=${body.applicationId}`,
    );
    return process?.state === 'COMPLETED';
  });
  const before = await endedCount('REJECTED');
  const answers = await Promise.all(Array.from({ length: 10 }, () => amo.get(`/applications/${dto.crmApplicationId}`)));
  expect(answers.map((a) => a.body.outcome)).toEqual(Array(10).fill('REJECTED'));
  expect(await endedCount('REJECTED')).toBe(before + 1);
});
