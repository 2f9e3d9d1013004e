import { randomUUID } from 'node:crypto';
import { ApiClient, EngineApi, staffToken, waitFor } from '@otus/testing';
import { stack } from './support/env';
import { type Receiver, startReceiver } from '@otus/testing';
import { waitForMails } from '@otus/testing';
import { schemaErrors, verifyOtusWebhook } from '@otus/testing';
import { CONTRACT_PROCESS_KEY } from '@otus/common';

/**
 * The real contract-conclusion process in the running stack, down its rejection path: the
 * course service rejects, the stack's notification service e-mails the client and calls the
 * CRM webhook of the client's endpoint (registered here through the gateway), the process ends.
 */
const engine = new EngineApi(stack.CAMUNDA_REST_URL);
let receiver: Receiver;

beforeAll(async () => (receiver = await startReceiver()));
afterAll(() => receiver.close());

it('a rejected application: the client gets the e-mail, the CRM a signed webhook, the process ends REJECTED', async () => {
  const admin = new ApiClient(`${stack.GATEWAY_URL}/api/notification`, await staffToken());
  const crmClientId = `crm-${randomUUID()}`;
  const endpoint = await admin.post('/webhook-endpoints', { crmClientId, url: `${receiver.url}/otus` });
  expect(endpoint.status).toBe(201);

  const applicationId = randomUUID();
  const clientEmail = `process-${applicationId}@example.test`;
  const { id } = await engine.start(CONTRACT_PROCESS_KEY, applicationId, {
    applicationId,
    crmApplicationId: `crm-app-${applicationId.slice(0, 8)}`,
    crmClientId,
    courseCode: `NO-SUCH-${applicationId.slice(0, 8)}`,
    clientName: 'Иван Петров',
    clientEmail,
    linkTtl: 'PT1H',
    signTtl: 'PT1H',
    linkReminderAfter: 'PT30M',
  });

  await waitFor('the process to end', async () => (await engine.historicInstance(id)).state === 'COMPLETED', {
    timeoutMs: 45_000,
    intervalMs: 250,
  });
  expect(await engine.variables(id)).toMatchObject({
    outcome: 'REJECTED',
    outcomeReason: 'COURSE_NOT_FOUND',
    webhookDelivered: true,
  });

  const [mail] = await waitForMails(clientEmail);
  expect(mail.subject).toBe('Заявка на курс не принята');
  expect(mail.text).toContain('Курс, указанный в заявке, не найден в нашем каталоге');

  const [request] = receiver.requests;
  expect(request.headers['x-otus-event-type']).toBe('application.rejected');
  expect(verifyOtusWebhook(endpoint.body.secret, request.headers, request.rawBody)).toBe(true);
  const payload = JSON.parse(request.rawBody);
  expect(schemaErrors('application.rejected', payload)).toEqual([]);
  expect(payload).toMatchObject({
    applicationId,
    crmClientId,
    outcome: 'REJECTED',
    outcomeReason: 'COURSE_NOT_FOUND',
    final: true,
  });
});
