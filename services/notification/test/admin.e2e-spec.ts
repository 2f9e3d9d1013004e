import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import type { TaskContext } from '@otus/common';
import { ApiClient, craftedToken, staffToken } from '@otus/testing';
import { CrmWebhookHandler } from '../src/worker/crm-webhook.handler';
import { SendEmailHandler } from '../src/worker/send-email.handler';
import { createNotificationApp } from './support/app';
import { stack, useNotificationEnv } from './support/env';
import { type Receiver, startReceiver } from '@otus/testing';
import { uniqueAddress, waitForMails } from '@otus/testing';
import { verifyOtusWebhook } from '@otus/testing';

/**
 * The admin REST through the real gateway, answered by the stack's notification service. The
 * delivery log it reads is seeded by an in-process instance of the service (worker off) on the
 * same database, so each test knows exactly which deliveries exist for its application.
 */
const gateway = new ApiClient(`${stack.GATEWAY_URL}/api/notification`);
const direct = new ApiClient(`http://${stack.STACK_HOST}:${stack.NOTIFICATION_PORT}`);
let admin: ApiClient;
let operator: ApiClient;
let app: INestApplication;
let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
  useNotificationEnv();
  app = await createNotificationApp();
  admin = gateway.withToken(await staffToken({ roles: ['admin'] }));
  operator = gateway.withToken(await staffToken({ roles: ['operator'] }));
});
afterAll(async () => {
  await app.close();
  await receiver.close();
});

const task = (topicName: string): TaskContext => ({
  id: randomUUID(),
  topicName,
  processInstanceId: randomUUID(),
  activityInstanceId: `Task:${randomUUID()}`,
});

async function newEndpoint() {
  const crmClientId = `crm-${randomUUID()}`;
  const created = await admin.post('/webhook-endpoints', { crmClientId, url: `${receiver.url}/crm/${crmClientId}` });
  expect(created.status).toBe(201);
  return created.body as { id: string; crmClientId: string; secret: string; url: string };
}

/** One e-mail (sent) and one webhook (failed once, then sent) for a fresh application. */
async function seed() {
  const applicationId = randomUUID();
  const clientEmail = uniqueAddress('admin');
  const endpoint = await newEndpoint();
  const email = app.get(SendEmailHandler);
  const webhook = app.get(CrmWebhookHandler);
  await email.handle(
    email.input.parse({
      emailTemplate: 'declined',
      applicationId,
      clientName: 'Пётр Сидоров',
      clientEmail,
      courseTitle: 'Go Developer',
    }),
    task('notification.email'),
  );
  receiver.script(500);
  await webhook.handle(
    webhook.input.parse({
      webhookEvent: 'link.sent',
      applicationId,
      crmApplicationId: 'crm-7',
      crmClientId: endpoint.crmClientId,
      courseCode: 'GO',
      linkExpiresAt: '2026-12-01T00:00:00Z',
    }),
    task('notification.crm-webhook'),
  );
  return { applicationId, clientEmail, endpoint };
}

describe('access', () => {
  it('refuses requests without a token (401) and forged tokens (401)', async () => {
    expect((await gateway.get('/deliveries')).status).toBe(401);
    expect((await gateway.get('/webhook-endpoints')).status).toBe(401);
    const forged = gateway.withToken(await craftedToken({ forged: true }));
    expect((await forged.get('/deliveries')).status).toBe(401);
  });

  it('lets an operator read, but not resend or manage endpoints (403)', async () => {
    const { applicationId } = await seed();
    const list = await operator.get(`/deliveries?applicationId=${applicationId}`);
    expect(list.status).toBe(200);
    const resend = await operator.post(`/deliveries/${list.body.items[0].id}/resend`);
    expect(resend.status).toBe(403);
    expect(resend.body.code).toBe('FORBIDDEN');
    expect((await operator.get('/webhook-endpoints')).status).toBe(200);
    expect((await operator.post('/webhook-endpoints', { crmClientId: 'x', url: 'https://crm.test/h' })).status).toBe(
      403,
    );
  });
});

describe('GET /deliveries', () => {
  it('lists every attempt, newest first, filtered by channel, status, template and time', async () => {
    const started = new Date(Date.now() - 1_000).toISOString();
    const { applicationId, clientEmail, endpoint } = await seed();
    const q = (query: string) => admin.get(`/deliveries?applicationId=${applicationId}${query}`);

    const all = await q('');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ total: 3, page: 1, pageSize: 20 });
    expect(all.body.items.map((d: { template: string; status: string }) => [d.template, d.status])).toEqual([
      ['link.sent', 'sent'],
      ['link.sent', 'failed'],
      ['declined', 'sent'],
    ]);
    expect(all.body.items[2]).toMatchObject({
      channel: 'email',
      recipient: clientEmail,
      responseCode: 250,
      attempt: 1,
      trigger: 'task',
      applicationId,
      messageStatus: 'sent',
      resendable: true,
      error: null,
      idempotencyKey: expect.stringMatching(/^task:/),
      latencyMs: expect.any(Number),
    });
    expect(all.body.items[1]).toMatchObject({
      channel: 'webhook',
      recipient: endpoint.url,
      responseCode: 500,
      attempt: 1,
      error: expect.stringMatching(/^HTTP 500/),
    });

    expect((await q('&channel=email')).body.items.map((d: { template: string }) => d.template)).toEqual(['declined']);
    expect((await q('&channel=webhook&status=failed')).body.total).toBe(1);
    expect((await q('&status=sent')).body.total).toBe(2);
    expect((await q('&template=link.sent')).body.total).toBe(2);
    const page2 = await q('&pageSize=2&page=2');
    expect(page2.body).toMatchObject({ total: 3, page: 2, pageSize: 2 });
    expect(page2.body.items.map((d: { template: string }) => d.template)).toEqual(['declined']);
    expect((await q(`&from=${encodeURIComponent(started)}`)).body.total).toBe(3);
    expect((await q(`&to=${encodeURIComponent(started)}`)).body.total).toBe(0);
    expect((await q(`&from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.total).toBe(0);
  });

  it('rejects bad filters with 400 naming them', async () => {
    const { status, body } = await admin.get('/deliveries?channel=sms&status=lost&from=yesterday&pageSize=1000');
    expect(status).toBe(400);
    expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'channel',
      'from',
      'pageSize',
      'status',
    ]);
  });

  it('shows one delivery; 404 for an unknown id, 400 for a malformed one', async () => {
    const { applicationId } = await seed();
    const [item] = (await admin.get(`/deliveries?applicationId=${applicationId}`)).body.items;
    expect((await admin.get(`/deliveries/${item.id}`)).body).toEqual(item);
    const missing = await admin.get(`/deliveries/${randomUUID()}`);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('DELIVERY_NOT_FOUND');
    expect((await admin.get('/deliveries/not-a-uuid')).status).toBe(400);
  });
});

describe('POST /deliveries/{id}/resend', () => {
  it('sends the e-mail again as a new logged attempt', async () => {
    const { applicationId, clientEmail } = await seed();
    const [email] = (await admin.get(`/deliveries?applicationId=${applicationId}&channel=email`)).body.items;
    const resent = await admin.post(`/deliveries/${email.id}/resend`);
    expect(resent.status).toBe(201);
    expect(resent.body).toMatchObject({
      messageId: email.messageId,
      attempt: 2,
      status: 'sent',
      trigger: 'resend',
      recipient: clientEmail,
    });
    const mails = await waitForMails(clientEmail, 2);
    expect(mails.map((m) => m.subject)).toEqual([
      'Вы отказались от договора на курс «Go Developer»',
      'Вы отказались от договора на курс «Go Developer»',
    ]);
    expect((await admin.get(`/deliveries?applicationId=${applicationId}&channel=email`)).body.total).toBe(2);
  });

  it('posts the webhook again: the same event, freshly signed', async () => {
    const { applicationId, endpoint } = await seed();
    const [failed] = (await admin.get(`/deliveries?applicationId=${applicationId}&status=failed`)).body.items;
    const resent = await admin.post(`/deliveries/${failed.id}/resend`);
    expect(resent.body).toMatchObject({ attempt: 3, status: 'sent', trigger: 'resend', responseCode: 200 });
    const requests = receiver.requests.filter((r) => r.path === `/crm/${endpoint.crmClientId}`);
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((r) => r.headers['x-otus-event-id'])).size).toBe(1);
    expect(verifyOtusWebhook(endpoint.secret, requests[2].headers, requests[2].rawBody)).toBe(true);
  });

  it('refuses to resend a signing code (409): it was never stored', async () => {
    const applicationId = randomUUID();
    const sent = await direct.request(
      'POST',
      '/internal/emails',
      {
        applicationId,
        messageId: 'code-1',
        to: uniqueAddress('code'),
        template: 'signing-code',
        variables: { signingCode: '123456', clientName: 'Ольга', courseTitle: 'QA', expiresAt: '2026-11-23T16:10:00Z' },
      },
      { 'x-internal-token': stack.INTERNAL_API_TOKEN },
    );
    expect(sent.status).toBe(200);
    const [delivery] = (await admin.get(`/deliveries?applicationId=${applicationId}`)).body.items;
    expect(delivery).toMatchObject({ template: 'signing-code', trigger: 'internal', resendable: false });
    const resend = await admin.post(`/deliveries/${delivery.id}/resend`);
    expect(resend.status).toBe(409);
    expect(resend.body.code).toBe('NOT_RESENDABLE');
  });
});

describe('webhook endpoints', () => {
  it('creates with a secret shown once, lists, changes the URL, rotates the secret, deletes', async () => {
    const created = await newEndpoint();
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);

    const list = await admin.get(`/webhook-endpoints?crmClientId=${created.crmClientId}`);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toEqual({
      id: created.id,
      crmClientId: created.crmClientId,
      url: created.url,
      events: null,
      secretHint: `whsec_…${created.secret.slice(-4)}`,
      secretRotatedAt: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(JSON.stringify((await admin.get(`/webhook-endpoints/${created.id}`)).body)).not.toContain(created.secret);

    const patched = await admin.patch(`/webhook-endpoints/${created.id}`, { url: 'https://crm.example.test/hooks' });
    expect(patched.body.url).toBe('https://crm.example.test/hooks');

    const rotated = await admin.post(`/webhook-endpoints/${created.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);

    expect((await admin.delete(`/webhook-endpoints/${created.id}`)).status).toBe(204);
    const gone = await admin.get(`/webhook-endpoints/${created.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.code).toBe('WEBHOOK_ENDPOINT_NOT_FOUND');
  });

  it('keeps the events a CRM client subscribed to, and refuses what is not an event', async () => {
    const crmClientId = `crm-${randomUUID()}`;
    const url = `${receiver.url}/crm/${crmClientId}`;
    const created = await admin.post('/webhook-endpoints', { crmClientId, url, events: ['contract.signed'] });
    expect([created.status, created.body.events]).toEqual([201, ['contract.signed']]);
    const id = created.body.id as string;

    const more = await admin.patch(`/webhook-endpoints/${id}`, { events: ['contract.signed', 'contract.declined'] });
    expect([more.status, more.body.events, more.body.url]).toEqual([
      200,
      ['contract.signed', 'contract.declined'],
      url,
    ]);
    const all = await admin.patch(`/webhook-endpoints/${id}`, { events: null });
    expect([all.status, all.body.events]).toEqual([200, null]);

    for (const events of [['contract.lost'], [], ['contract.signed', 'contract.signed'], 'contract.signed', [42]]) {
      const refused = await admin.patch(`/webhook-endpoints/${id}`, { events });
      expect([JSON.stringify(events), refused.status, refused.body.details?.[0]?.field]).toEqual([
        JSON.stringify(events),
        400,
        'events',
      ]);
    }
    const nothing = await admin.patch(`/webhook-endpoints/${id}`, {});
    expect([nothing.status, nothing.body.code]).toEqual([400, 'VALIDATION_FAILED']);
    expect((await operator.patch(`/webhook-endpoints/${id}`, { events: ['contract.signed'] })).status).toBe(403);
    expect((await admin.get(`/webhook-endpoints/${id}`)).body.events).toBeNull();
  });

  it('refuses a second endpoint for a CRM client (409) and a URL that is not http(s) (400)', async () => {
    const created = await newEndpoint();
    const again = await admin.post('/webhook-endpoints', { crmClientId: created.crmClientId, url: created.url });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('WEBHOOK_ENDPOINT_EXISTS');
    const bad = await admin.post('/webhook-endpoints', { crmClientId: 'x', url: 'ftp://crm.test/h', secret: 's' });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['secret', 'url']);
  });
});

describe('internal route', () => {
  const payload = () => ({
    applicationId: randomUUID(),
    messageId: 'code-1',
    to: uniqueAddress('internal'),
    template: 'signing-code',
    variables: { signingCode: '654321', clientName: 'Ольга', courseTitle: 'QA', expiresAt: '2026-11-23T16:10:00Z' },
  });

  it('is not reachable through the gateway (404), with or without the token', async () => {
    const headers = { 'x-internal-token': stack.INTERNAL_API_TOKEN };
    const through = await gateway.request('POST', '/internal/emails', payload(), headers);
    expect(through.status).toBe(404);
    expect((await gateway.post('/internal/emails', payload())).status).toBe(404);
  });

  it('refuses a missing or wrong token on the service itself (401)', async () => {
    expect((await direct.post('/internal/emails', payload())).status).toBe(401);
    const wrong = await direct.request('POST', '/internal/emails', payload(), { 'x-internal-token': 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('UNAUTHENTICATED');
  });
});
