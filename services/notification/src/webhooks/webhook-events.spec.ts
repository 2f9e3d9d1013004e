import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { EVENT_OUTCOMES, WEBHOOK_EVENTS, webhookPayload, webhookTaskInput } from './webhook-events';

const ajv = addFormats(new Ajv2020({ allErrors: true }));
const schema = (event: string) =>
  ajv.getSchema(`urn:otus-contract:webhooks:${event}`) ??
  ajv.compile(JSON.parse(readFileSync(resolve(__dirname, `../../../../docs/webhooks/${event}.schema.json`), 'utf8')));

const variables = {
  applicationId: 'app-1',
  crmApplicationId: 'crm-42',
  crmClientId: 'crm-main',
  courseCode: 'NODE-2027',
  rejectReason: 'NO_FREE_SEATS',
  linkExpiresAt: '2026-11-30T09:00:00Z',
  promoStatus: 'APPLIED',
  discountKopecks: 990_000,
  finalPriceKopecks: 8_910_000,
  signedDocumentId: 'doc-1',
  failureCode: 'INVALID_VARIABLES',
  signingLockReason: 'TRIES_EXHAUSTED',
  unrelated: 'ignored',
};
const meta = { eventId: 'a'.repeat(64), applicationId: 'app-1', occurredAt: new Date('2026-11-23T12:00:00Z') };

describe('webhook payloads', () => {
  it.each(WEBHOOK_EVENTS)('builds %s valid against its JSON Schema, with the outcome of the event', (event) => {
    const payload = webhookPayload(webhookTaskInput.parse({ ...variables, webhookEvent: event }), meta);
    const validate = schema(event);
    expect(validate(payload) ? [] : validate.errors).toEqual([]);
    expect(payload).toMatchObject({ id: meta.eventId, type: event, ...EVENT_OUTCOMES[event] });
  });

  it('fails a schema when a field is wrong, so the schemas do check something', () => {
    const payload = webhookPayload(webhookTaskInput.parse({ ...variables, webhookEvent: 'contract.signed' }), meta);
    expect(schema('contract.signed')({ ...payload, outcome: 'REJECTED' })).toBe(false);
    expect(schema('contract.signed')({ ...payload, data: { ...payload.data, finalPriceKopecks: '100' } })).toBe(false);
  });

  it('names the missing variable, per event', () => {
    const result = webhookTaskInput.safeParse({
      ...variables,
      webhookEvent: 'contract.signed',
      signedDocumentId: undefined,
    });
    expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['signedDocumentId']);
    const unknown = webhookTaskInput.safeParse({ ...variables, webhookEvent: 'contract.lost' });
    expect(unknown.error?.issues[0].path).toEqual(['webhookEvent']);
  });

  it('asks nothing of application.failed, which runs where anything may be missing', () => {
    const input = webhookTaskInput.parse({ webhookEvent: 'application.failed' });
    const payload = webhookPayload(input, meta);
    expect(schema('application.failed')(payload)).toBe(true);
    expect(payload).toMatchObject({ crmApplicationId: null, outcomeReason: null, data: { courseCode: null } });
  });

  it('refuses a webhook URL that is not http(s)', () => {
    const result = webhookTaskInput.safeParse({
      ...variables,
      webhookEvent: 'link.sent',
      crmWebhookUrl: 'file:///etc/passwd',
    });
    expect(result.error?.issues[0].path).toEqual(['crmWebhookUrl']);
  });
});
