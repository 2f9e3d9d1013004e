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

    it('deadline-extended: the kind (link or signing), the new deadline and the course title; the link optional', () => {
      const extended = {
        ...to,
        courseTitle,
        emailTemplate: 'deadline-extended',
        deadlineKind: 'signing',
        newDeadline: new Date('2026-12-05T15:30:00Z'),
      };
      expect(input.parse(extended)).toMatchObject({ deadlineKind: 'signing', newDeadline: '2026-12-05T15:30:00.000Z' });
      expect(paths({ ...extended, clientLinkRef: 'sealed-ok' })).toEqual([]);
      expect(paths({ ...extended, clientLinkRef: 'raw-token' })).toEqual(['clientLinkRef']);
      expect(paths({ ...extended, deadlineKind: 'payment' })).toEqual(['deadlineKind']);
      expect(paths({ ...extended, newDeadline: '05.12.2026' })).toEqual(['newDeadline']);
      expect(paths({ ...extended, deadlineKind: undefined, newDeadline: undefined, courseTitle: undefined })).toEqual([
        'courseTitle',
        'deadlineKind',
        'newDeadline',
      ]);
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
