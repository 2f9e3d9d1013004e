import { type Receiver, startReceiver } from './http-receiver';
import { admin, crm } from './journey';
import { waitFor } from './wait-for';
import { schemaErrors, verifyOtusWebhook } from './webhooks';

export interface WebhookPayload {
  type: string;
  applicationId: string;
  outcome: string;
  outcomeReason: string | null;
  data: Record<string, unknown>;
}

/** A CRM with its API key and its webhook endpoint: a local receiver whose secret the test keeps. */
export async function crmWithReceiver() {
  const amo = await crm();
  const receiver: Receiver = await startReceiver();
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

  /** The webhook types once one besides `link.sent` has arrived. */
  /** The types received once an outcome (anything but link.sent) and at least `atLeast` webhooks have come. */
  const webhookTypes = (applicationId: string, atLeast = 1) =>
    waitFor(`webhooks of ${applicationId}`, () => {
      const types = webhooksFor(applicationId).map((p) => p.type);
      return types.some((t) => t !== 'link.sent') && types.length >= atLeast && types;
    });

  return { amo, receiver, webhooksFor, webhookTypes };
}

export type CrmWithReceiver = Awaited<ReturnType<typeof crmWithReceiver>>;
