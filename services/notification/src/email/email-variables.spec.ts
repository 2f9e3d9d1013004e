import { Logger } from '@nestjs/common';
import { TaskRunner } from '@otus/common';
import { emailTaskInput } from './email-variables';

const input = emailTaskInput((ref) => ref === 'sealed-ok');
const base = {
  applicationId: 'app-1',
  clientName: 'Иван Петров',
  clientEmail: 'ivan@example.test',
  courseTitle: 'Node.js Developer',
  courseStartDate: '2026-12-10',
  priceKopecks: 9_900_000,
  clientLinkRef: 'sealed-ok',
  linkExpiresAt: '2026-11-30T09:00:00Z',
};
const paths = (value: Record<string, unknown>) =>
  input.safeParse(value).error?.issues.map((i) => i.path.join('.') || '(root)') ?? [];

/** What the worker reports to the engine for these variables: the BPMN error's code and message. */
async function bpmnErrorOf(values: Record<string, unknown>): Promise<{ code: string; message: string }> {
  const vars = { getAll: () => values, setAll: () => vars };
  const handleBpmnError = jest.fn().mockResolvedValue(undefined);
  const service = { complete: jest.fn(), handleFailure: jest.fn(), handleBpmnError, unlock: jest.fn() };
  const task = { id: 't-1', topicName: 'notification.email', processInstanceId: 'pi-1', variables: vars };
  const runner = new TaskRunner({ maxRetries: 1, retryBaseMs: 1, retryMaxMs: 1 }, () => vars);
  type Run = Parameters<TaskRunner['run']>;
  await runner.run(
    'notification.email',
    { input, handle: () => Promise.resolve({}) } as Run[1],
    task as unknown as Run[2],
    service as unknown as Run[3],
  );
  expect(handleBpmnError).toHaveBeenCalledTimes(1);
  const [, code, message] = handleBpmnError.mock.calls[0] as [unknown, string, string];
  return { code, message };
}

beforeAll(() => Logger.overrideLogger(false));

describe('notification.email variables', () => {
  it('takes what the template needs and ignores the rest', () => {
    const parsed = input.parse({ ...base, emailTemplate: 'link', passport: '4510 123456' });
    expect(parsed).not.toHaveProperty('passport');
  });

  it('names a missing or mistyped variable', () => {
    expect(paths({ ...base, emailTemplate: 'link', clientEmail: undefined })).toEqual(['clientEmail']);
    expect(paths({ ...base, emailTemplate: 'link', priceKopecks: '99000' })).toEqual(['priceKopecks']);
    expect(paths({ ...base, emailTemplate: 'link', courseStartDate: '10.12.2026' })).toEqual(['courseStartDate']);
    expect(paths({ ...base, emailTemplate: 'signed' })).toEqual(['finalPriceKopecks', 'signedDocumentId']);
  });

  it('names an unknown or missing template', () => {
    expect(paths({ ...base, emailTemplate: 'welcome' })).toEqual(['emailTemplate']);
    expect(paths(base)).toEqual(['emailTemplate']);
  });

  it('refuses a link reference it cannot open', () => {
    expect(paths({ ...base, emailTemplate: 'link', clientLinkRef: 'raw-token' })).toEqual(['clientLinkRef']);
  });

  it('asks a rejection only for the reason, the course title may be unknown', () => {
    const { clientName, clientEmail, applicationId } = base;
    const parsed = input.parse({
      emailTemplate: 'rejected',
      clientName,
      clientEmail,
      applicationId,
      rejectReason: 'COURSE_NOT_FOUND',
      courseTitle: null,
    });
    expect(parsed).toMatchObject({ rejectReason: 'COURSE_NOT_FOUND', courseTitle: null });
  });

  it('takes a Date-typed expiry as well as an ISO string', () => {
    const parsed = input.parse({ ...base, emailTemplate: 'link', linkExpiresAt: new Date('2026-11-30T09:00:00Z') });
    expect(parsed).toMatchObject({ linkExpiresAt: '2026-11-30T09:00:00.000Z' });
  });

  describe('lifecycle templates', () => {
    const { clientName, clientEmail, applicationId, courseTitle } = base;
    const to = { clientName, clientEmail, applicationId };

    it('cancelled: the reason code is required; the course title and the reason text may be missing, null or empty', () => {
      const cancelled = { ...to, emailTemplate: 'cancelled', cancelReasonCode: 'CLIENT_REQUEST' };
      expect(paths({ ...cancelled, cancelReasonCode: undefined })).toEqual(['cancelReasonCode']);
      expect(paths({ ...cancelled, cancelReasonCode: 42 })).toEqual(['cancelReasonCode']);
      expect(paths({ ...cancelled, cancelReasonText: 7 })).toEqual(['cancelReasonText']);
      for (const cancelReasonText of [undefined, null, '', 'Курс перенесён']) {
        expect(paths({ ...cancelled, courseTitle: null, cancelReasonText })).toEqual([]);
      }
      expect(input.parse({ ...cancelled, courseTitle, cancelReasonText: 'Курс перенесён' })).toMatchObject({
        cancelReasonCode: 'CLIENT_REQUEST',
        cancelReasonText: 'Курс перенесён',
      });
    });

    const changed = {
      ...to,
      courseTitle,
      emailTemplate: 'deadline-changed',
      deadlineKind: 'signing',
      newDeadline: new Date('2026-12-05T15:30:00Z'),
      deadlineChange: 'extended',
    };

    it('deadline-changed: the kind (link or signing), the new deadline, which way it moved and the course title; the link optional', () => {
      expect(input.parse(changed)).toMatchObject({
        deadlineKind: 'signing',
        newDeadline: '2026-12-05T15:30:00.000Z',
        deadlineChange: 'extended',
      });
      expect(input.parse({ ...changed, deadlineChange: 'shortened' })).toMatchObject({ deadlineChange: 'shortened' });
      expect(paths({ ...changed, clientLinkRef: 'sealed-ok' })).toEqual([]);
      expect(paths({ ...changed, clientLinkRef: 'raw-token' })).toEqual(['clientLinkRef']);
      expect(paths({ ...changed, deadlineKind: 'payment' })).toEqual(['deadlineKind']);
      expect(paths({ ...changed, newDeadline: '05.12.2026' })).toEqual(['newDeadline']);
      expect(paths({ ...changed, deadlineKind: undefined, newDeadline: undefined, courseTitle: undefined })).toEqual([
        'courseTitle',
        'deadlineKind',
        'newDeadline',
      ]);
    });

    it.each([undefined, null, '', 'later', 'EXTENDED', true])(
      'deadline-changed: deadlineChange %p is INVALID_VARIABLES naming it',
      async (deadlineChange) => {
        expect(paths({ ...changed, deadlineChange })).toEqual(['deadlineChange']);
        const { code, message } = await bpmnErrorOf({ ...changed, deadlineChange });
        expect(code).toBe('INVALID_VARIABLES');
        expect(message).toMatch(/^deadlineChange: /);
      },
    );

    it('signing-reminder: the signing deadline (an instant) and the course title; the link optional', () => {
      const reminder = {
        ...to,
        courseTitle,
        emailTemplate: 'signing-reminder',
        signDeadline: '2026-12-07T23:59:00+03:00',
      };
      expect(input.parse(reminder)).toMatchObject({ signDeadline: '2026-12-07T23:59:00+03:00' });
      expect(input.parse({ ...reminder, signDeadline: new Date('2026-12-07T20:59:00Z') })).toMatchObject({
        signDeadline: '2026-12-07T20:59:00.000Z',
      });
      expect(paths({ ...reminder, clientLinkRef: 'sealed-ok' })).toEqual([]);
      expect(paths({ ...reminder, clientLinkRef: null })).toEqual([]);
      expect(paths({ ...reminder, clientLinkRef: 'raw-token' })).toEqual(['clientLinkRef']);
      expect(paths({ ...reminder, signDeadline: undefined })).toEqual(['signDeadline']);
      expect(paths({ ...reminder, signDeadline: null })).toEqual(['signDeadline']);
      expect(paths({ ...reminder, signDeadline: 'tomorrow' })).toEqual(['signDeadline']);
      expect(paths({ ...reminder, courseTitle: undefined })).toEqual(['courseTitle']);
    });

    it('link: linkReissued is an optional boolean, absent meaning the first link', () => {
      expect(input.parse({ ...base, emailTemplate: 'link', linkReissued: true })).toMatchObject({ linkReissued: true });
      for (const linkReissued of [undefined, null, false]) {
        expect(paths({ ...base, emailTemplate: 'link', linkReissued })).toEqual([]);
      }
      expect(paths({ ...base, emailTemplate: 'link', linkReissued: 'yes' })).toEqual(['linkReissued']);
    });

    it('course-unavailable: the reason and the course title', () => {
      const unavailable = {
        ...to,
        courseTitle,
        emailTemplate: 'course-unavailable',
        unavailableReason: 'COURSE_CLOSED',
      };
      expect(paths(unavailable)).toEqual([]);
      expect(paths({ ...unavailable, unavailableReason: undefined })).toEqual(['unavailableReason']);
      expect(paths({ ...unavailable, courseTitle: null })).toEqual(['courseTitle']);
    });

    it('draft-ready: signDeadline is optional, and an instant when given', () => {
      const draft = {
        ...base,
        emailTemplate: 'draft-ready',
        discountKopecks: 0,
        finalPriceKopecks: 9_900_000,
        promoStatus: 'NONE',
      };
      expect(paths(draft)).toEqual([]);
      expect(paths({ ...draft, signDeadline: null })).toEqual([]);
      expect(input.parse({ ...draft, signDeadline: '2026-12-07T23:59:00+03:00' })).toMatchObject({
        signDeadline: '2026-12-07T23:59:00+03:00',
      });
      expect(paths({ ...draft, signDeadline: 'tomorrow' })).toEqual(['signDeadline']);
    });
  });
});
