import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { WebhookEndpointsService } from '../src/webhooks/webhook-endpoints.service';
import { CrmWebhookHandler } from '../src/worker/crm-webhook.handler';
import { createNotificationApp } from './support/app';
import { useNotificationEnv } from './support/env';
import { type Receiver, startReceiver } from '@otus/testing';
import { schemaErrors, verifyOtusWebhook } from '@otus/testing';

/** With NOTIFICATION_DEFAULT_WEBHOOK_URL set: CRM clients without an endpoint of their own go there. */
const DEFAULT_SECRET = `whsec_default-${randomUUID()}`;
let app: INestApplication;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  useNotificationEnv({
    NOTIFICATION_DEFAULT_WEBHOOK_URL: `${receiver.url}/default`,
    NOTIFICATION_DEFAULT_WEBHOOK_SECRET: DEFAULT_SECRET,
  });
  app = await createNotificationApp();
});
afterAll(async () => {
  await app.close();
  await receiver.close();
});

const deliver = (vars: Record<string, unknown>) => {
  const handler = app.get(CrmWebhookHandler);
  return handler.handle(handler.input.parse(vars), {
    id: randomUUID(),
    topicName: 'notification.crm-webhook',
    processInstanceId: randomUUID(),
    activityInstanceId: `Task_Webhook:${randomUUID()}`,
  });
};
const event = (crmClientId: string | undefined) => ({
  webhookEvent: 'application.rejected',
  applicationId: randomUUID(),
  crmApplicationId: 'crm-1',
  crmClientId,
  courseCode: 'NODE',
  rejectReason: 'ENROLMENT_CLOSED',
});

it('sends to the default endpoint, signed with the default secret, when the CRM client has none', async () => {
  const vars = event(`no-endpoint-${randomUUID()}`);
  expect(await deliver(vars)).toEqual({ webhookDelivered: true });
  const request = receiver.requests.find((r) => JSON.parse(r.rawBody).applicationId === vars.applicationId)!;
  expect(request.path).toBe('/default');
  expect(verifyOtusWebhook(DEFAULT_SECRET, request.headers, request.rawBody)).toBe(true);
  expect(schemaErrors('application.rejected', JSON.parse(request.rawBody))).toEqual([]);
});

it("prefers the CRM client's own endpoint and secret to the default", async () => {
  const crmClientId = `own-${randomUUID()}`;
  const { secret } = await app.get(WebhookEndpointsService).create({ crmClientId, url: `${receiver.url}/own` });
  const vars = event(crmClientId);
  await deliver(vars);
  const request = receiver.requests.find((r) => JSON.parse(r.rawBody).applicationId === vars.applicationId)!;
  expect(request.path).toBe('/own');
  expect(verifyOtusWebhook(secret, request.headers, request.rawBody)).toBe(true);
  expect(verifyOtusWebhook(DEFAULT_SECRET, request.headers, request.rawBody)).toBe(false);
});
