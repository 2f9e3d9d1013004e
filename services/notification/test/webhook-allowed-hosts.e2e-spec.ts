import { randomUUID } from 'node:crypto';
import {
  admin,
  EngineApi,
  oneTaskProcess,
  type Receiver,
  startReceiver,
  verifyOtusWebhook,
  waitFor,
} from '@otus/common/testing';
import { stack } from './support/env';

/**
 * Defence in depth against SSRF, through the engine and the stack's own notification service
 * (CRM_WEBHOOK_ALLOWED_HOSTS=127.0.0.1,localhost): a process whose crmWebhookUrl names another
 * host, as if it had been typed into Cockpit past the contract service's intake check. The host
 * is 0.0.0.0, which is not on the list and yet reaches loopback on Linux: had the worker sent the
 * request, the receiver on 127.0.0.1 would have seen it.
 */
const PROCESS = 'crm-webhook-allowed-hosts-test';
const engine = new EngineApi(stack.CAMUNDA_REST_URL);
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  const model = oneTaskProcess({ key: PROCESS, topic: 'notification.crm-webhook' });
  await engine.deploy(PROCESS, { [`${PROCESS}.bpmn`]: model });
});
afterAll(() => receiver.close());

const start = (variables: Record<string, unknown>) => {
  const applicationId = randomUUID();
  return engine.start(PROCESS, applicationId, {
    webhookEvent: 'application.expired',
    applicationId,
    courseCode: 'NODE-2027',
    ...variables,
  });
};

it('raises an incident at once for a crmWebhookUrl on a host not allowed, naming it, and sends nothing', async () => {
  const url = `http://0.0.0.0:${new URL(receiver.url).port}/ssrf?token=secret-in-query`;
  // The URL does lead to the receiver: a request the worker sent there would be seen.
  expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(200);
  expect(receiver.requests.splice(0)).toHaveLength(1);

  const { id } = await start({ crmWebhookUrl: url });
  const [incident] = await waitFor('the incident', async () => {
    const incidents = await engine.incidents(id);
    return incidents.length > 0 && incidents;
  });
  expect(incident).toMatchObject({ incidentType: 'failedExternalTask', activityId: 'Work' });
  expect(incident.incidentMessage).toMatch(
    /^crmWebhookUrl host 0\.0\.0\.0 is not in CRM_WEBHOOK_ALLOWED_HOSTS: nothing was sent\. If the host is the CRM's, add it to CRM_WEBHOOK_ALLOWED_HOSTS/,
  );
  expect(incident.incidentMessage).not.toContain('secret-in-query');
  // No retries: one failure reported, with none left.
  const [task] = await engine.externalTasks(id);
  expect(task.retries).toBe(0);
  const failures = await engine.request<unknown[]>(
    'GET',
    `/history/external-task-log?processInstanceId=${id}&failureLog=true`,
  );
  expect(failures).toHaveLength(1);
  expect(receiver.requests).toEqual([]);
});

it('sends to an allowed host as before, signed with the CRM client secret', async () => {
  const crmClientId = `crm-${randomUUID()}`;
  const endpoint = await (
    await admin()
  ).post('/api/notification/webhook-endpoints', { crmClientId, url: `${receiver.url}/registered` });
  expect(endpoint.status).toBe(201);
  const own = `/own/${crmClientId}`;
  const { id } = await start({ crmClientId, crmWebhookUrl: `http://localhost:${new URL(receiver.url).port}${own}` });
  await waitFor('the process to end', async () => (await engine.historicInstance(id)).state === 'COMPLETED');
  const requests = receiver.requests.filter((r) => r.path === own);
  expect(requests).toHaveLength(1);
  expect(verifyOtusWebhook(endpoint.body.secret, requests[0].headers, requests[0].rawBody)).toBe(true);
  expect(await engine.incidents(id)).toEqual([]);
});
