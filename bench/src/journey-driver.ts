import { randomUUID } from 'node:crypto';
import { ApiClient, application, mailsTo, stackEnv, type ReceivedMail } from '@otus/common/testing';
import { sleep } from './stats';

/** Moments of one application's journey, in ms since the epoch. */
export interface JourneyMarks {
  posted: number;
  linkMail?: number;
  formSubmitted?: number;
  draftReady?: number;
  signed?: number;
  signedMail?: number;
  ended?: number;
  outcome?: string;
}

const POLL_MS = 25;

async function until<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await sleep(POLL_MS);
  }
  throw new Error('journey step timed out');
}

const mailMatching = (email: string, subject: RegExp) => async (): Promise<ReceivedMail | undefined> =>
  (await mailsTo(email)).find((m) => subject.test(m.subject));

/**
 * One client's whole journey through the real API, as a person would take it: the CRM posts
 * the application, the link arrives by e-mail, the client opens it, fills the form, asks for
 * the code, reads it from the e-mail and signs. Every wait is on something the client sees.
 */
export async function journey(crm: ApiClient, courseCode: string): Promise<JourneyMarks> {
  const env = stackEnv();
  const email = `bench-${randomUUID().slice(0, 12)}@example.test`;
  const dto = application(courseCode, { clientEmail: email });
  const marks: JourneyMarks = { posted: Date.now() };
  const posted = await crm.post('/applications', dto);
  if (posted.status !== 201) throw new Error(`CRM post: ${posted.status}`);
  const applicationId = posted.body.applicationId as string;

  const crmOutcome = async () => (await crm.get(`/applications/${dto.crmApplicationId}`)).body.outcome as string | null;
  const linkMail = await until(
    async () => (await mailMatching(email, /^Оформление договора/)()) ?? (await crmOutcome()),
  );
  if (typeof linkMail === 'string') return { ...marks, ended: Date.now(), outcome: linkMail };
  marks.linkMail = Date.now();

  const token = /\/l\/([A-Za-z0-9_-]{43})/.exec(linkMail.text)![1];
  const exchange = await new ApiClient(env.GATEWAY_URL).post('/api/user/client-links/exchange', { token });
  const cookie = exchange.headers.get('set-cookie')!.split(';')[0];
  const client = new ApiClient(`${env.GATEWAY_URL}/client/api/applications/${applicationId}`).withHeaders({ cookie });

  marks.formSubmitted = Date.now();
  const submitted = await client.post('/form', {
    fullName: 'Петров Иван Сергеевич',
    birthDate: '1990-05-17',
    passportSeries: '4510',
    passportNumber: '987654',
    passportIssuedBy: 'ГУ МВД России по г. Москве',
    passportIssueDate: '2015-06-01',
    address: 'г. Москва, ул. Тверская, д. 1, кв. 1',
    phone: '+7 999 123-45-67',
    email,
  });
  if (submitted.status !== 204) throw new Error(`form: ${submitted.status}`);
  const state = await until(async () => {
    const { body } = await client.get('');
    return ['SIGNING', 'ENDED'].includes(body.state) && (body as { state: string; outcome: string | null });
  });
  if (state.state === 'ENDED') return { ...marks, ended: Date.now(), outcome: state.outcome ?? undefined };
  marks.draftReady = Date.now();

  await client.post('/signing-code');
  const codeMail = await until(mailMatching(email, /^Код для подписания/));
  marks.signed = Date.now();
  const signed = await client.post('/signature', { signingCode: /\b(\d{6})\b/.exec(codeMail.text)![1] });
  if (signed.status !== 204) throw new Error(`signature: ${signed.status}`);
  await until(mailMatching(email, /подписан$/));
  marks.signedMail = Date.now();
  marks.outcome = await until(crmOutcome);
  marks.ended = Date.now();
  return marks;
}
