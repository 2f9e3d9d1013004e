import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { IncidentError, type TaskContext } from '@otus/common';
import { DataSource } from 'typeorm';
import { ResendService } from '../src/deliveries/resend.service';
import { WEBHOOK_EVENTS } from '../src/webhooks/webhook-events';
import { WebhookEndpointsService } from '../src/webhooks/webhook-endpoints.service';
import { CrmWebhookHandler } from '../src/worker/crm-webhook.handler';
import { createNotificationApp } from './support/app';
import { stack, useNotificationEnv } from './support/env';
import { type ContractServer, pdfBytes, startContractServer } from './support/http-servers';
import { type Receiver, RECEIVER_HOST, startReceiver } from '@otus/testing';
import { schemaErrors, verifyOtusWebhook } from '@otus/testing';

/**
 * notification.crm-webhook in-process against a CRM stand-in on a local port and the real
 * PostgreSQL: signature, payload schemas, in-process retries, once-only delivery, routing.
 */
let app: INestApplication;
let db: DataSource;
let handler: CrmWebhookHandler;
let endpoints: WebhookEndpointsService;
let receiver: Receiver;
let contract: ContractServer;

beforeAll(async () => {
  receiver = await startReceiver();
  contract = await startContractServer(stack.INTERNAL_API_TOKEN);
  // No default endpoint here: webhook-default.e2e-spec.ts covers it.
  useNotificationEnv({
    NOTIFICATION_DEFAULT_WEBHOOK_URL: undefined,
    NOTIFICATION_DEFAULT_WEBHOOK_SECRET: undefined,
    CONTRACT_INTERNAL_URL: contract.url,
  });
  app = await createNotificationApp();
  db = app.get(DataSource);
  handler = app.get(CrmWebhookHandler);
  endpoints = app.get(WebhookEndpointsService);
});
afterAll(async () => {
  await app.close();
  await receiver.close();
  await contract.close();
});

const task = (): TaskContext => ({
  id: randomUUID(),
  topicName: 'notification.crm-webhook',
  processInstanceId: randomUUID(),
  activityInstanceId: `Task_Webhook:${randomUUID()}`,
  businessKey: null,
});

/** A CRM client with its own endpoint on the receiver; the path tells its requests apart. */
async function crmClient() {
  const crmClientId = `crm-${randomUUID()}`;
  const path = `/hooks/${crmClientId}`;
  const { secret, id } = await endpoints.create({ crmClientId, url: `${receiver.url}${path}?token=abc` });
  return { crmClientId, path, secret, id, requests: () => receiver.requests.filter((r) => r.path.startsWith(path)) };
}

function variables(webhookEvent: string, crmClientId: string, overrides: Record<string, unknown> = {}) {
  // The contract stand-in knows the signed document: it gives a download link for it.
  const signedDocumentId = randomUUID();
  contract.documents.set(signedDocumentId, pdfBytes('signed'));
  // … and why the client declined.
  const applicationId = randomUUID();
  contract.declines.set(applicationId, { reasonCode: 'PRICE', reasonText: 'Дороговато для меня' });
  return {
    webhookEvent,
    applicationId,
    crmApplicationId: `crm-app-${randomUUID().slice(0, 8)}`,
    crmClientId,
    courseCode: 'NODE-2027',
    rejectReason: 'NO_FREE_SEATS',
    linkExpiresAt: '2026-11-30T09:00:00Z',
    promoStatus: 'APPLIED',
    discountKopecks: 990_000,
    finalPriceKopecks: 8_910_000,
    signedDocumentId,
    failureCode: 'INVALID_VARIABLES',
    signingLockReason: 'TRIES_EXHAUSTED',
    cancelReasonCode: 'CLIENT_REQUEST',
    cancelReasonText: 'Клиент попросил отменить заявку',
    cancelledBy: 'crm',
    deadlineKind: 'link',
    newDeadline: '2026-12-05T15:30:00Z',
    deadlineChange: 'shortened',
    unavailableReason: 'ENROLMENT_CLOSED',
    linkRenewalStage: 'signing',
    draftDocumentId: `${applicationId}.draft`,
    draftSha256: 'c'.repeat(64),
    signDeadline: '2026-12-03T20:59:00Z',
    reminderKind: 'link',
    reminderDeadline: '2026-11-30T09:00:00Z',
    clientName: 'Иван Петров',
    clientEmail: 'ivan@example.test',
    ...overrides,
  };
}

const deliver = (vars: Record<string, unknown>, context = task()) => handler.handle(handler.input.parse(vars), context);
const keyOf = (t: TaskContext) => `task:${t.processInstanceId}:${t.activityInstanceId}`;
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const deliveriesOf = (applicationId: string) =>
  db.query(
    `SELECT d.* FROM deliveries d JOIN messages m ON m.id = d.message_id WHERE m.application_id = $1 ORDER BY d.attempt`,
    [applicationId],
  );

describe('each event', () => {
  it.each(WEBHOOK_EVENTS)('%s: signed as documented, payload valid against its JSON Schema', async (event) => {
    const client = await crmClient();
    const vars = variables(event, client.crmClientId);
    const context = task();
    const before = Math.floor(Date.now() / 1000);
    expect(await deliver(vars, context)).toEqual({ webhookDelivered: true });

    const [request] = client.requests();
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`${client.path}?token=abc`);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['x-otus-event-id']).toBe(sha256(keyOf(context)));
    expect(request.headers['x-otus-event-type']).toBe(event);
    expect(Number(request.headers['x-otus-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(request.headers['x-otus-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyOtusWebhook(client.secret, request.headers, request.rawBody)).toBe(true);
    expect(verifyOtusWebhook(client.secret, request.headers, request.rawBody.replace('NODE', 'N0DE'))).toBe(false);

    const payload = JSON.parse(request.rawBody);
    expect(schemaErrors(event, payload)).toEqual([]);
    expect(payload).toMatchObject({
      id: sha256(keyOf(context)),
      type: event,
      applicationId: vars.applicationId,
      crmApplicationId: vars.crmApplicationId,
      crmClientId: client.crmClientId,
    });
    // Only what the CRM needs: nothing personal goes out.
    expect(request.rawBody).not.toContain('ivan@example.test');
    expect(request.rawBody).not.toContain('Иван');
  });

  it('contract.signed carries the price, the promo status and a short-lived URL to the signed PDF', async () => {
    const client = await crmClient();
    const vars = variables('contract.signed', client.crmClientId);
    const context = task();
    await deliver(vars, context);
    const [token] = contract.downloadLinks.get(vars.signedDocumentId)!;
    const sent = JSON.parse(client.requests()[0].rawBody);
    expect(sent).toMatchObject({
      outcome: 'CONCLUDED',
      final: true,
      data: {
        courseCode: 'NODE-2027',
        promoStatus: 'APPLIED',
        discountKopecks: 990_000,
        finalPriceKopecks: 8_910_000,
        signedDocumentId: vars.signedDocumentId,
        signedDocumentUrl: `${stack.GATEWAY_URL}/api/contract/public/documents/${token}`,
        signedDocumentUrlExpiresAt: expect.any(String),
      },
    });
    // A redelivered task sends the stored body again and asks for no second link.
    await deliver(vars, context);
    expect(contract.downloadLinks.get(vars.signedDocumentId)).toHaveLength(1);
    // The URL is a bearer credential: the stored body is sealed, nothing in the delivery log holds it.
    const stored = await db.query(
      `SELECT m.content::text AS content, d.recipient, d.error FROM messages m JOIN deliveries d ON d.message_id = m.id
        WHERE m.application_id = $1`,
      [vars.applicationId],
    );
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);
    expect(stored[0].content).toContain('sealedBody');
  });

  it('contract.signed for a document the contract service does not know: the task fails, nothing is sent', async () => {
    const client = await crmClient();
    const vars = { ...variables('contract.signed', client.crmClientId), signedDocumentId: randomUUID() };
    const failed = deliver(vars);
    await expect(failed).rejects.toThrow(/download link of signed document .*404/);
    // Waiting will not make the document: an incident at once, not retries.
    await expect(failed).rejects.toBeInstanceOf(IncidentError);
    expect(client.requests()).toEqual([]);
  });

  it('contract.declined carries the reason the contract service keeps; the client’s words are not stored in clear', async () => {
    const client = await crmClient();
    const vars = variables('contract.declined', client.crmClientId);
    expect(await deliver(vars)).toEqual({ webhookDelivered: true });
    const payload = JSON.parse(client.requests()[0].rawBody);
    expect(payload).toMatchObject({
      outcome: 'DECLINED',
      outcomeReason: 'PRICE',
      data: { courseCode: 'NODE-2027', reasonCode: 'PRICE', reasonText: 'Дороговато для меня' },
    });
    const [stored] = await db.query(`SELECT content::text AS content FROM messages WHERE application_id = $1`, [
      vars.applicationId,
    ]);
    expect(stored.content).toContain('sealedBody');
    expect(stored.content).not.toContain('Дороговато');
  });

  it('contract.declined of an application that did not decline is an incident; nothing is sent', async () => {
    const client = await crmClient();
    const vars = variables('contract.declined', client.crmClientId);
    contract.declines.delete(vars.applicationId);
    const failed = deliver(vars);
    await expect(failed).rejects.toThrow(/decline reason of .*404/);
    await expect(failed).rejects.toBeInstanceOf(IncidentError);
    expect(client.requests()).toEqual([]);
  });
});

describe('a CRM client subscribed to some events', () => {
  it('gets those, and nothing of the others is sent or logged', async () => {
    const client = await crmClient();
    await endpoints.update(client.id, { events: ['contract.signed', 'contract.declined'] });

    const linkSent = variables('link.sent', client.crmClientId);
    expect(await deliver(linkSent)).toEqual({ webhookDelivered: false });
    expect(await deliveriesOf(linkSent.applicationId)).toEqual([]);
    const declined = variables('contract.declined', client.crmClientId);
    expect(await deliver(declined)).toEqual({ webhookDelivered: true });
    expect(client.requests().map((r) => JSON.parse(r.rawBody).type)).toEqual(['contract.declined']);

    // The subscription holds for the application's own webhookUrl too (signed with the client's secret).
    const ownUrl = variables('link.sent', client.crmClientId, { crmWebhookUrl: `${receiver.url}${client.path}/own` });
    expect(await deliver(ownUrl)).toEqual({ webhookDelivered: false });

    // Every event again once the subscription is cleared.
    await endpoints.update(client.id, { events: null });
    expect(await deliver(variables('link.sent', client.crmClientId))).toEqual({ webhookDelivered: true });
    expect(client.requests()).toHaveLength(2);
  });
});

describe('the lifecycle events', () => {
  it.each([
    [
      'application.cancelled',
      {
        outcome: 'CANCELLED',
        outcomeReason: 'CLIENT_REQUEST',
        final: true,
        data: {
          courseCode: 'NODE-2027',
          reasonCode: 'CLIENT_REQUEST',
          reasonText: 'Клиент попросил отменить заявку',
          cancelledBy: 'crm',
        },
      },
    ],
    [
      'application.deadline-changed',
      {
        outcome: 'DEADLINE_CHANGED',
        outcomeReason: null,
        final: false,
        data: {
          courseCode: 'NODE-2027',
          deadlineKind: 'link',
          deadline: '2026-12-05T15:30:00.000Z',
          change: 'shortened',
        },
      },
    ],
    [
      'application.course-unavailable',
      {
        outcome: 'COURSE_UNAVAILABLE',
        outcomeReason: 'ENROLMENT_CLOSED',
        final: true,
        data: { courseCode: 'NODE-2027', reason: 'ENROLMENT_CLOSED' },
      },
    ],
    [
      'link.renewal-requested',
      {
        outcome: 'LINK_RENEWAL_REQUESTED',
        outcomeReason: null,
        final: false,
        data: { courseCode: 'NODE-2027', stage: 'signing' },
      },
    ],
  ])('%s carries what the CRM needs', async (event, expected) => {
    const client = await crmClient();
    await deliver(variables(event, client.crmClientId));
    const payload = JSON.parse(client.requests()[0].rawBody);
    expect(schemaErrors(event, payload)).toEqual([]);
    expect(payload).toMatchObject(expected);
  });
});

describe('retries and once-only delivery', () => {
  it('a receiver failing 3 times then succeeding: delivered once, 4 attempts logged', async () => {
    const client = await crmClient();
    receiver.script(503, 502, 500);
    const vars = variables('link.sent', client.crmClientId);
    const context = task();
    expect(await deliver(vars, context)).toEqual({ webhookDelivered: true });

    const requests = client.requests();
    expect(requests).toHaveLength(4);
    expect(new Set(requests.map((r) => r.headers['x-otus-event-id'])).size).toBe(1);
    expect(new Set(requests.map((r) => r.rawBody)).size).toBe(1);
    for (const r of requests) expect(verifyOtusWebhook(client.secret, r.headers, r.rawBody)).toBe(true);

    const rows = await deliveriesOf(vars.applicationId);
    expect(
      rows.map((r: { attempt: number; status: string; response_code: number }) => [
        r.attempt,
        r.status,
        r.response_code,
      ]),
    ).toEqual([
      [1, 'failed', 503],
      [2, 'failed', 502],
      [3, 'failed', 500],
      [4, 'sent', 200],
    ]);
    expect(rows[0].recipient).toBe(`${receiver.url}${client.path}`);

    // The same task again (a redelivery): nothing is sent.
    expect(await deliver(vars, context)).toEqual({ webhookDelivered: true });
    expect(client.requests()).toHaveLength(4);
  });

  it('retries 408 and 429 too', async () => {
    const client = await crmClient();
    receiver.script(429, 408);
    const vars = variables('application.expired', client.crmClientId);
    await deliver(vars);
    expect(client.requests()).toHaveLength(3);
  });

  it('fails the task after the last in-process retry; the engine retries it later, still as one event', async () => {
    const client = await crmClient();
    receiver.script(500, 500, 500, 500);
    const vars = variables('contract.declined', client.crmClientId);
    const context = task();
    await expect(deliver(vars, context)).rejects.toThrow(
      /not delivered after 4 attempts \(last: HTTP 500\); retried later/,
    );
    expect(client.requests()).toHaveLength(4);
    // The engine's retry: the CRM is back.
    expect(await deliver(vars, context)).toEqual({ webhookDelivered: true });
    const rows = await deliveriesOf(vars.applicationId);
    expect(rows.map((r: { status: string }) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed', 'sent']);
    expect(new Set(client.requests().map((r) => r.rawBody)).size).toBe(1);
  });

  it('does not retry a 4xx in-process: the task fails with a clear message', async () => {
    const client = await crmClient();
    receiver.script(400);
    const vars = variables('application.no-seats', client.crmClientId);
    await expect(deliver(vars)).rejects.toThrow(
      /refused by 127\.77\.0\.1:\d+ with HTTP 400: not retried in-process; check the endpoint URL and secret/,
    );
    expect(client.requests()).toHaveLength(1);
    const [row] = await deliveriesOf(vars.applicationId);
    expect(row).toMatchObject({ status: 'failed', response_code: 400 });
    expect(row.error).toMatch(/^HTTP 400/);
  });

  it('gives up on a receiver that never answers, after the request timeout, and retries', async () => {
    const client = await crmClient();
    const hanging = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, RECEIVER_HOST, () => resolve()));
    const url = `http://${RECEIVER_HOST}:${(hanging.address() as AddressInfo).port}/hook`;
    try {
      const vars = variables('application.expired', client.crmClientId, { crmWebhookUrl: url });
      await expect(deliver(vars)).rejects.toThrow(/not delivered after 4 attempts \(last: no answer within 2000 ms\)/);
      const rows = await deliveriesOf(vars.applicationId);
      expect(rows).toHaveLength(4);
      for (const row of rows) expect(row.latency_ms).toBeGreaterThanOrEqual(1_900);
    } finally {
      hanging.closeAllConnections();
      await new Promise((resolve) => hanging.close(resolve));
    }
  });

  it("refuses an application's own URL when there is no secret to sign with", async () => {
    const vars = variables('application.expired', `unknown-${randomUUID()}`, {
      crmWebhookUrl: `${receiver.url}/unsigned`,
    });
    await expect(deliver(vars)).rejects.toThrow(/no secret to sign with/);
    expect(receiver.requests.filter((r) => r.path === '/unsigned')).toEqual([]);
  });
});

describe('where it goes', () => {
  it("the application's own crmWebhookUrl first, signed with its CRM client's secret", async () => {
    const client = await crmClient();
    const vars = variables('application.rejected', client.crmClientId, {
      crmWebhookUrl: `${receiver.url}/per-application/${client.crmClientId}`,
    });
    await deliver(vars);
    expect(client.requests()).toHaveLength(0);
    const [request] = receiver.requests.filter((r) => r.path === `/per-application/${client.crmClientId}`);
    expect(verifyOtusWebhook(client.secret, request.headers, request.rawBody)).toBe(true);
  });

  it('nowhere at all: completes with webhookDelivered=false, nothing logged as sent', async () => {
    const vars = variables('application.failed', `unknown-${randomUUID()}`);
    expect(await deliver(vars)).toEqual({ webhookDelivered: false });
    expect(await deliveriesOf(vars.applicationId)).toEqual([]);
  });

  it('a rotated secret signs from then on; the old one no longer verifies', async () => {
    const client = await crmClient();
    const rotated = await endpoints.rotateSecret(client.id);
    expect(rotated.secret).not.toBe(client.secret);
    await deliver(variables('link.sent', client.crmClientId));
    const [request] = client.requests();
    expect(verifyOtusWebhook(rotated.secret, request.headers, request.rawBody)).toBe(true);
    expect(verifyOtusWebhook(client.secret, request.headers, request.rawBody)).toBe(false);
  });

  it('application.failed without an application id uses the business key', async () => {
    const client = await crmClient();
    const context = { ...task(), businessKey: `bk-${randomUUID()}` };
    await deliver({ webhookEvent: 'application.failed', crmClientId: client.crmClientId }, context);
    const payload = JSON.parse(client.requests()[0].rawBody);
    expect(payload).toMatchObject({ applicationId: context.businessKey, outcome: 'FAILED', crmApplicationId: null });
    expect(schemaErrors('application.failed', payload)).toEqual([]);
  });

  it('a resend posts the same event (same id and body), freshly signed', async () => {
    const client = await crmClient();
    const vars = variables('contract.signing-expired', client.crmClientId);
    await deliver(vars);
    const [first] = await deliveriesOf(vars.applicationId);
    const resent = await app.get(ResendService).resend(first.id);
    expect(resent).toMatchObject({ attempt: 2, status: 'sent', trigger: 'resend', responseCode: 200 });
    const [a, b] = client.requests();
    expect(b.headers['x-otus-event-id']).toBe(a.headers['x-otus-event-id']);
    expect(b.rawBody).toBe(a.rawBody);
    expect(verifyOtusWebhook(client.secret, b.headers, b.rawBody)).toBe(true);
  });
});
