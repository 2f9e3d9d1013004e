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
});
