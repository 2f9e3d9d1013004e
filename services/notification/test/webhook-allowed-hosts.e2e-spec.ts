import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import {
  admin,
  close,
  EngineApi,
  listen,
  oneTaskProcess,
  type Receiver,
  RECEIVER_HOST,
  type ReceivedRequest,
  startReceiver,
  verifyOtusWebhook,
  waitFor,
} from '@otus/testing';
import { stack } from './support/env';

/**
 * Defence in depth against SSRF, through the engine and the stack's own notification service
 * (CRM_WEBHOOK_ALLOWED_HOSTS=127.77.0.1,localhost, WEBHOOK_ALLOWED_ADDRESSES=127.77.0.0/16): a
 * process whose crmWebhookUrl names another host, as if it had been typed into Cockpit past the
 * contract service's intake check. The host is 0.0.0.0, which is not on the list and yet reaches
 * loopback on Linux: had the worker sent the request, the listener on 127.0.0.1 would have seen it.
 */
const PROCESS = 'crm-webhook-allowed-hosts-test';
const engine = new EngineApi(stack.CAMUNDA_REST_URL);
let receiver: Receiver;
/** A listener on 127.0.0.1, the engine's and the services' address: no webhook may reach it. */
const onEngineAddress: ReceivedRequest[] = [];
const engineAddressServer = createServer((req, res) => {
  onEngineAddress.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, rawBody: '' });
  res.end('{}');
});
let engineAddressUrl: string;

beforeAll(async () => {
  receiver = await startReceiver();
  engineAddressUrl = await listen(engineAddressServer, '127.0.0.1');
  const model = oneTaskProcess({ key: PROCESS, topic: 'notification.crm-webhook' });
  await engine.deploy(PROCESS, { [`${PROCESS}.bpmn`]: model });
});
afterAll(async () => {
  await receiver.close();
  await close(engineAddressServer);
});

/** A new CRM client with its own webhook endpoint (and secret) registered by an administrator. */
async function newCrmClientEndpoint() {
  const crmClientId = `crm-${randomUUID()}`;
  const endpoint = await (
    await admin()
  ).post('/api/notification/webhook-endpoints', { crmClientId, url: `${receiver.url}/registered` });
  expect(endpoint.status).toBe(201);
  return { crmClientId, endpoint };
}

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
  const url = `http://0.0.0.0:${new URL(engineAddressUrl).port}/ssrf?token=secret-in-query`;
  // The URL does lead to the listener on 127.0.0.1: a request the worker sent there would be seen.
  expect((await fetch(url, { method: 'POST', body: '{}' })).status).toBe(200);
  expect(onEngineAddress.splice(0)).toHaveLength(1);

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
  expect(onEngineAddress).toEqual([]);
});

it("refuses at delivery a host whose name is allowed but resolves to the engine's address, logging the refusal", async () => {
  // localhost is in CRM_WEBHOOK_ALLOWED_HOSTS; it resolves to 127.0.0.1 (or ::1), never allowed.
  const { crmClientId } = await newCrmClientEndpoint();
  const url = `http://localhost:${new URL(engineAddressUrl).port}/rebind?token=secret-in-query`;
  const { id, businessKey } = (await start({ crmClientId, crmWebhookUrl: url })) as { id: string; businessKey: string };
  const [incident] = await waitFor('the incident', async () => {
    const incidents = await engine.incidents(id);
    return incidents.length > 0 && incidents;
  });
  expect(incident.incidentMessage).toMatch(
    /^CRM webhook application\.expired not sent: webhook host localhost refused: (127\.0\.0\.1 is an address of the engine or of our services|::1 is a loopback address)/,
  );
  expect(incident.incidentMessage).not.toContain('secret-in-query');
  const [task] = await engine.externalTasks(id);
  expect(task.retries).toBe(0);
  // The delivery log records the refused attempt; nothing reached the listener on 127.0.0.1.
  const log = await (await admin()).get(`/api/notification/deliveries?applicationId=${businessKey}`);
  expect(log.status).toBe(200);
  expect(log.body.items).toEqual([
    expect.objectContaining({
      channel: 'webhook',
      status: 'failed',
      responseCode: null,
      error: expect.stringMatching(/^webhook host localhost refused: /),
      recipient: `http://localhost:${new URL(engineAddressUrl).port}/rebind`,
    }),
  ]);
  expect(onEngineAddress).toEqual([]);
  expect(receiver.requests.filter((r) => r.path.startsWith('/rebind'))).toEqual([]);
});

it("refuses to register an endpoint on the engine's or another internal address", async () => {
  const staff = await admin();
  for (const url of [
    `http://127.0.0.1:${stack.ENGINE_PORT}/engine-rest`,
    'http://169.254.169.254/latest/meta-data/',
    'http://[::ffff:127.0.0.1]:8081/',
    'http://10.0.0.5/hook',
  ]) {
    const response = await staff.post('/api/notification/webhook-endpoints', {
      crmClientId: `crm-${randomUUID()}`,
      url,
    });
    expect({ url, status: response.status }).toEqual({ url, status: 400 });
    expect(response.body.details[0]).toMatchObject({
      field: 'url',
      errors: [expect.stringMatching(/^url host .* is refused: /)],
    });
  }
});

it('sends to an allowed host as before, signed with the CRM client secret', async () => {
  const { crmClientId, endpoint } = await newCrmClientEndpoint();
  const own = `/own/${crmClientId}`;
  const { id } = await start({
    crmClientId,
    crmWebhookUrl: `http://${RECEIVER_HOST}:${new URL(receiver.url).port}${own}`,
  });
  await waitFor('the process to end', async () => (await engine.historicInstance(id)).state === 'COMPLETED');
  const requests = receiver.requests.filter((r) => r.path === own);
  expect(requests).toHaveLength(1);
  expect(verifyOtusWebhook(endpoint.body.secret, requests[0].headers, requests[0].rawBody)).toBe(true);
  expect(await engine.incidents(id)).toEqual([]);
});
