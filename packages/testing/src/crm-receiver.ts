import { type ReceivedRequest, type Receiver, startReceiver } from './http-receiver';
import { admin, crm } from './journey';
import { waitFor } from './wait-for';
import { schemaErrors, verifyOtusWebhook } from './webhooks';

/**
 * The events that tell the CRM how far the client got, sent beside the model's main path (each
 * from a branch of its own): they may arrive before or after the outcome's, so the outcome checks
 * (`webhookTypes`) leave them aside and the tests of each step look for them by name.
 */
export const STEP_EVENTS = ['link.opened', 'data.submitted', 'draft.ready', 'reminder.sent'];

export interface WebhookPayload {
  type: string;
  occurredAt: string;
  applicationId: string;
  outcome: string;
  outcomeReason: string | null;
  data: Record<string, unknown>;
}

/** A CRM with its API key and its webhook endpoint: a local receiver whose secret the test keeps. */
export async function crmWithReceiver(onRequest?: (request: ReceivedRequest) => void) {
  const amo = await crm();
  const receiver: Receiver = await startReceiver(onRequest);
  const endpoint = await (
    await admin()
  ).post('/api/notification/webhook-endpoints', { crmClientId: amo.clientId, url: receiver.url });
  if (endpoint.status !== 201) throw new Error(`webhook endpoint: ${endpoint.status} ${JSON.stringify(endpoint.body)}`);
  const secret: string = endpoint.body.secret;

  /** Every webhook received for the application, each checked as the CRM would: signature, then schema. */
  const webhooksFor = (applicationId: string): WebhookPayload[] =>
    receiver.requests
      .map((r) => ({ request: r, payload: JSON.parse(r.rawBody) as WebhookPayload }))
      .filter(({ payload }) => payload.applicationId === applicationId)
      .map(({ request, payload }) => {
        if (!verifyOtusWebhook(secret, request.headers, request.rawBody)) {
          throw new Error(`${payload.type} for ${applicationId}: the signature does not verify`);
        }
        const errors = schemaErrors(payload.type, payload);
        if (errors.length) throw new Error(`${payload.type} for ${applicationId}: ${JSON.stringify(errors)}`);
        return payload;
      });

  /**
   * The types received once an outcome (anything but link.sent) and at least `atLeast` webhooks have
   * come, the client's steps (STEP_EVENTS) left aside.
   */
  const webhookTypes = (applicationId: string, atLeast = 1) =>
    waitFor(`webhooks of ${applicationId}`, () => {
      const types = webhooksFor(applicationId)
        .map((p) => p.type)
        .filter((t) => !STEP_EVENTS.includes(t));
      return types.some((t) => t !== 'link.sent') && types.length >= atLeast && types;
    });

  return { amo, receiver, webhooksFor, webhookTypes };
}

export type CrmWithReceiver = Awaited<ReturnType<typeof crmWithReceiver>>;
