import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  EVENT_OUTCOMES,
  WEBHOOK_EVENTS,
  WEBHOOK_SCHEMA_VERSION,
  webhookPayload,
  webhookTaskInput,
} from './webhook-events';

const ajv = addFormats(new Ajv2020({ allErrors: true }));
const schemaFile = (event: string) =>
  JSON.parse(readFileSync(resolve(__dirname, `../../../../docs/webhooks/${event}.schema.json`), 'utf8')) as {
    $id: string;
    examples?: unknown[];
  };
const schema = (event: string) =>
  ajv.getSchema(`urn:otus-contract:webhooks:${event}:v1`) ??
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
  cancelReasonCode: 'CLIENT_REQUEST',
  cancelReasonText: 'Клиент попросил отменить заявку',
  cancelledBy: 'staff',
  deadlineKind: 'signing',
  newDeadline: '2026-12-07T23:59:00+03:00',
  deadlineChange: 'shortened',
  unavailableReason: 'COURSE_STARTED',
  linkRenewalStage: 'form',
  draftDocumentId: 'app-1.draft',
  draftSha256: 'b'.repeat(64),
  signDeadline: '2026-12-03T20:59:00Z',
  reminderKind: 'signing',
  reminderDeadline: '2026-12-03T23:59:00+03:00',
  clientName: 'Иван Петров',
  clientEmail: 'ivan@example.test',
  passportNumber: '4510 123456',
  unrelated: 'ignored',
};
const meta = {
  eventId: 'a'.repeat(64),
  applicationId: 'app-1',
  occurredAt: new Date('2026-11-23T12:00:00Z'),
  declineReason: { reasonCode: 'PRICE', reasonText: 'Дороговато' },
};

describe('webhook payloads', () => {
  it.each(WEBHOOK_EVENTS)('builds %s valid against its JSON Schema, with the outcome of the event', (event) => {
    const payload = webhookPayload(webhookTaskInput.parse({ ...variables, webhookEvent: event }), meta);
    const validate = schema(event);
    expect(validate(payload) ? [] : validate.errors).toEqual([]);
    expect(payload).toMatchObject({ id: meta.eventId, type: event, ...EVENT_OUTCOMES[event] });
  });

  it.each(WEBHOOK_EVENTS)('%s: its schema is version 1 and carries an example valid against it', (event) => {
    const file = schemaFile(event);
    expect(file.$id).toBe(`urn:otus-contract:webhooks:${event}:v${WEBHOOK_SCHEMA_VERSION}`);
    expect(file.examples).toHaveLength(1);
    const validate = schema(event);
    expect(validate(file.examples![0]) ? [] : validate.errors).toEqual([]);
    expect(file.examples![0]).toMatchObject({ schemaVersion: WEBHOOK_SCHEMA_VERSION, type: event });
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

  const build = (event: string, overrides: Record<string, unknown> = {}) => {
    const payload = webhookPayload(webhookTaskInput.parse({ ...variables, ...overrides, webhookEvent: event }), meta);
    const validate = schema(event);
    expect(validate(payload) ? [] : validate.errors).toEqual([]);
    // Nothing personal: no name, e-mail or passport data.
    expect(JSON.stringify(payload)).not.toMatch(/Иван|ivan@|4510/);
    return payload;
  };

  describe('contract.signed', () => {
    it('carries a short-lived URL to the signed PDF, not the file', () => {
      const signedDocument = {
        url: `https://contract.example.org/api/contract/public/documents/${'T'.repeat(43)}`,
        expiresAt: '2026-11-23T13:00:00.000Z',
      };
      const payload = webhookPayload(webhookTaskInput.parse({ ...variables, webhookEvent: 'contract.signed' }), {
        ...meta,
        signedDocument,
      });
      expect(schema('contract.signed')(payload) ? [] : schema('contract.signed').errors).toEqual([]);
      expect(payload.data).toMatchObject({
        signedDocumentId: 'doc-1',
        signedDocumentUrl: signedDocument.url,
        signedDocumentUrlExpiresAt: signedDocument.expiresAt,
      });
      expect(schema('contract.signed')({ ...payload, data: { ...payload.data, signedDocumentUrl: 'not a url' } })).toBe(
        false,
      );
    });
  });

  describe('application.cancelled', () => {
    it('carries the reason code and text and who cancelled; the application is closed CANCELLED', () => {
      expect(build('application.cancelled')).toEqual({
        schemaVersion: 1,
        id: meta.eventId,
        type: 'application.cancelled',
        occurredAt: '2026-11-23T12:00:00.000Z',
        applicationId: 'app-1',
        crmApplicationId: 'crm-42',
        crmClientId: 'crm-main',
        outcome: 'CANCELLED',
        outcomeReason: 'CLIENT_REQUEST',
        final: true,
        data: {
          courseCode: 'NODE-2027',
          reasonCode: 'CLIENT_REQUEST',
          reasonText: 'Клиент попросил отменить заявку',
          cancelledBy: 'staff',
        },
      });
    });

    it.each([undefined, null, '', '  '])('sends a reason text %p as null', (cancelReasonText) => {
      const payload = build('application.cancelled', { cancelReasonText, cancelledBy: 'crm' });
      expect(payload.data).toMatchObject({ reasonText: null, cancelledBy: 'crm' });
    });

    it('names a missing or mistyped variable', () => {
      const issues = (overrides: Record<string, unknown>) =>
        webhookTaskInput
          .safeParse({ ...variables, ...overrides, webhookEvent: 'application.cancelled' })
          .error?.issues.map((i) => i.path.join('.'));
      expect(issues({ cancelReasonCode: undefined })).toEqual(['cancelReasonCode']);
      expect(issues({ cancelledBy: 'client' })).toEqual(['cancelledBy']);
      expect(issues({ cancelledBy: undefined })).toEqual(['cancelledBy']);
      expect(issues({ cancelReasonText: 1 })).toEqual(['cancelReasonText']);
    });
  });

  describe('contract.declined', () => {
    it('carries the reason code the client chose and their words; the code is the outcome reason', () => {
      expect(build('contract.declined')).toMatchObject({
        outcome: 'DECLINED',
        outcomeReason: 'PRICE',
        final: true,
        data: { courseCode: 'NODE-2027', reasonCode: 'PRICE', reasonText: 'Дороговато' },
      });
    });

    it.each([null, '', '   '])('sends no words (%p) as null', (reasonText) => {
      const payload = webhookPayload(webhookTaskInput.parse({ ...variables, webhookEvent: 'contract.declined' }), {
        ...meta,
        declineReason: { reasonCode: 'SCHEDULE', reasonText },
      });
      expect(schema('contract.declined')(payload)).toBe(true);
      expect(payload.data).toEqual({ courseCode: 'NODE-2027', reasonCode: 'SCHEDULE', reasonText: null });
    });

    it('its schema wants a reason code', () => {
      const payload = build('contract.declined');
      expect(schema('contract.declined')({ ...payload, data: { ...payload.data, reasonCode: null } })).toBe(false);
    });
  });

  describe('draft.ready', () => {
    it('carries the draft (id, hash), the price and the signing deadline; the application goes on', () => {
      expect(build('draft.ready')).toMatchObject({
        outcome: 'DRAFT_READY',
        outcomeReason: null,
        final: false,
        data: {
          courseCode: 'NODE-2027',
          draftDocumentId: 'app-1.draft',
          draftSha256: 'b'.repeat(64),
          promoStatus: 'APPLIED',
          discountKopecks: 990_000,
          finalPriceKopecks: 8_910_000,
          signDeadline: '2026-12-03T20:59:00.000Z',
        },
      });
    });

    it('has a null signDeadline when the application has none, and names a missing draft', () => {
      expect(build('draft.ready', { signDeadline: null }).data.signDeadline).toBeNull();
      const issues = webhookTaskInput
        .safeParse({ ...variables, draftDocumentId: undefined, draftSha256: 'x', webhookEvent: 'draft.ready' })
        .error?.issues.map((i) => i.path.join('.'));
      expect(issues).toEqual(['draftDocumentId', 'draftSha256']);
    });
  });

  describe('reminder.sent', () => {
    it.each(['link', 'signing'])('%s: which reminder and the deadline it named, in UTC', (reminderKind) => {
      expect(build('reminder.sent', { reminderKind })).toMatchObject({
        outcome: 'REMINDER_SENT',
        final: false,
        data: { courseCode: 'NODE-2027', reminder: reminderKind, deadline: '2026-12-03T20:59:00.000Z' },
      });
    });

    it('names an unknown reminder kind or a missing deadline', () => {
      const issues = webhookTaskInput
        .safeParse({
          ...variables,
          reminderKind: 'payment',
          reminderDeadline: undefined,
          webhookEvent: 'reminder.sent',
        })
        .error?.issues.map((i) => i.path.join('.'));
      expect(issues).toEqual(['reminderKind', 'reminderDeadline']);
    });
  });

  it.each([
    ['link.opened', 'linkOpenedAt'],
    ['data.submitted', 'dataSubmittedAt'],
    ['draft.ready', 'draftReadyAt'],
  ])('%s: occurredAt is when the client’s step happened (%s), not when the webhook ran', (event, variable) => {
    expect(build(event, { [variable]: '2026-11-23T14:59:30+03:00' }).occurredAt).toBe('2026-11-23T11:59:30.000Z');
    expect(build(event).occurredAt).toBe('2026-11-23T12:00:00.000Z');
  });

  describe.each(['link.opened', 'data.submitted'])('%s', (event) => {
    it('carries the course only; the application goes on', () => {
      expect(build(event)).toMatchObject({
        type: event,
        final: false,
        outcomeReason: null,
        data: { courseCode: 'NODE-2027' },
      });
    });
  });

  describe('application.deadline-changed', () => {
    it.each([
      ['link', 'extended'],
      ['signing', 'extended'],
      ['link', 'shortened'],
      ['signing', 'shortened'],
    ])(
      '%s, %s: the kind, the new deadline as ISO UTC and which way it moved; the application goes on',
      (kind, change) => {
        expect(build('application.deadline-changed', { deadlineKind: kind, deadlineChange: change })).toMatchObject({
          type: 'application.deadline-changed',
          outcome: 'DEADLINE_CHANGED',
          outcomeReason: null,
          final: false,
          data: { courseCode: 'NODE-2027', deadlineKind: kind, deadline: '2026-12-07T20:59:00.000Z', change },
        });
      },
    );

    it('takes a Date-typed deadline too', () => {
      const payload = build('application.deadline-changed', { newDeadline: new Date('2026-12-05T15:30:00Z') });
      expect(payload.data.deadline).toBe('2026-12-05T15:30:00.000Z');
    });

    it('names a missing or mistyped variable', () => {
      const issues = (overrides: Record<string, unknown>) =>
        webhookTaskInput
          .safeParse({ ...variables, ...overrides, webhookEvent: 'application.deadline-changed' })
          .error?.issues.map((i) => i.path.join('.'));
      expect(issues({ deadlineKind: 'payment', newDeadline: undefined })).toEqual(['deadlineKind', 'newDeadline']);
      for (const deadlineChange of [undefined, null, '', 'later', 'SHORTENED']) {
        expect(issues({ deadlineChange })).toEqual(['deadlineChange']);
      }
    });

    it('its schema refuses a kind other than link or signing, and a change other than extended or shortened', () => {
      const payload = build('application.deadline-changed');
      const validate = schema('application.deadline-changed');
      expect(validate({ ...payload, data: { ...payload.data, deadlineKind: 'x' } })).toBe(false);
      expect(validate({ ...payload, data: { ...payload.data, change: 'later' } })).toBe(false);
      const { change: _, ...withoutChange } = payload.data;
      expect(validate({ ...payload, data: withoutChange })).toBe(false);
    });
  });

  describe('application.course-unavailable', () => {
    it.each(['COURSE_CLOSED', 'ENROLMENT_CLOSED', 'COURSE_STARTED', 'SOMETHING_NEW'])(
      '%s: the reason; the application is closed COURSE_UNAVAILABLE',
      (reason) => {
        expect(build('application.course-unavailable', { unavailableReason: reason })).toMatchObject({
          outcome: 'COURSE_UNAVAILABLE',
          outcomeReason: reason,
          final: true,
          data: { courseCode: 'NODE-2027', reason },
        });
      },
    );

    it('names a missing reason', () => {
      const result = webhookTaskInput.safeParse({
        ...variables,
        webhookEvent: 'application.course-unavailable',
        unavailableReason: null,
      });
      expect(result.error?.issues.map((i) => i.path.join('.'))).toEqual(['unavailableReason']);
    });
  });
});
