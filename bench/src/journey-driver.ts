import { randomUUID } from 'node:crypto';
import { ApiClient, application, EngineApi, mailsTo, stackEnv, validForm, type ReceivedMail } from '@otus/testing';
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

/**
 * How often each wait looks. Steps are timed by the end of the task behind them in engine
 * history (ms; MailDev's receive time has whole seconds only), so the polls can be slow
 * without blurring the figures. They should be: clients polling every 25 ms loaded the stack
 * (the gateway, the contract service and its Mongo, the engine's history) more than the
 * journeys did. The real progress page refreshes every 3 s.
 */
const MAIL_POLL_MS = 200;
const STATE_POLL_MS = 1_000;
const HISTORY_POLL_MS = 100;
const OUTCOME_POLL_MS = 1_000;

async function until<T>(
  probe: () => Promise<T | undefined | null | false>,
  everyMs: number,
  timeoutMs = 180_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value) return value;
    await sleep(everyMs);
  }
  throw new Error('journey step timed out');
}

/**
 * Only the first step, as the CRM sees it: POST the application, until the link e-mail task has
 * ended (engine history). Milliseconds from the POST, or the error.
 */
export async function linkStep(crm: ApiClient, courseCode: string): Promise<number | string> {
  const posted = Date.now();
  try {
    const response = await crm.post(
      '/applications',
      application(courseCode, { clientEmail: `bench-${randomUUID().slice(0, 12)}@example.test` }),
    );
    if (response.status !== 201) return `CRM post: ${response.status}`;
    return (await taskEndedAt(response.body.applicationId as string, 'Task_EmailLink')) - posted;
  } catch (e) {
    return `ERROR ${(e as Error).message}`;
  }
}

/**
 * When the task `activityId` of the application's process ended, in ms since the epoch: for an
 * e-mail, the SMTP server's acceptance plus the task's completion call; for the draft, the
 * moment the application turned DRAFT_READY plus the same call. The mail can reach MailDev a
 * moment before its task ends, so this waits for the end.
 */
async function taskEndedAt(applicationId: string, activityId: string): Promise<number> {
  const engine = new EngineApi(stackEnv().CAMUNDA_REST_URL);
  return until(async () => {
    const [instance] = await engine.request<{ id: string }[]>(
      'GET',
      `/history/process-instance?processInstanceBusinessKey=${applicationId}`,
    );
    const [activity] = await engine.request<{ endTime: string | null }[]>(
      'GET',
      `/history/activity-instance?processInstanceId=${instance.id}&activityId=${activityId}&finished=true`,
    );
    return activity?.endTime ? Date.parse(activity.endTime) : undefined;
  }, HISTORY_POLL_MS);
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
  // A rejected application gets no link: its outcome shows at the CRM, checked now and then.
  let outcomeCheckedAt = Date.now();
  const linkMail = await until(async () => {
    const mail = await mailMatching(email, /^Оформление договора/)();
    if (mail || Date.now() - outcomeCheckedAt < OUTCOME_POLL_MS) return mail;
    outcomeCheckedAt = Date.now();
    return crmOutcome();
  }, MAIL_POLL_MS);
  if (typeof linkMail === 'string') return { ...marks, ended: Date.now(), outcome: linkMail };
  marks.linkMail = await taskEndedAt(applicationId, 'Task_EmailLink');

  const token = /\/l\/([A-Za-z0-9_-]{43})/.exec(linkMail.text)![1];
  const exchange = await new ApiClient(env.GATEWAY_URL).post('/api/user/client-links/exchange', { token });
  const cookie = exchange.headers.get('set-cookie')!.split(';')[0];
  const client = new ApiClient(`${env.GATEWAY_URL}/client/api/applications/${applicationId}`).withHeaders({ cookie });

  marks.formSubmitted = Date.now();
  const submitted = await client.post('/form', validForm());
  if (submitted.status !== 204) throw new Error(`form: ${submitted.status}`);
  const state = await until(async () => {
    const { body } = await client.get('');
    return ['SIGNING', 'ENDED'].includes(body.state) && (body as { state: string; outcome: string | null });
  }, STATE_POLL_MS);
  if (state.state === 'ENDED') return { ...marks, ended: Date.now(), outcome: state.outcome ?? undefined };
  marks.draftReady = await taskEndedAt(applicationId, 'Task_GenerateDraft');

  await client.post('/signing-code');
  const codeMail = await until(mailMatching(email, /^Код для подписания/), MAIL_POLL_MS);
  marks.signed = Date.now();
  const signed = await client.post('/signature', { signingCode: /\b(\d{6})\b/.exec(codeMail.text)![1] });
  if (signed.status !== 204) throw new Error(`signature: ${signed.status}`);
  await until(mailMatching(email, /подписан$/), MAIL_POLL_MS);
  marks.signedMail = await taskEndedAt(applicationId, 'Task_EmailSigned');
  marks.outcome = await until(crmOutcome, OUTCOME_POLL_MS);
  marks.ended = Date.now();
  return marks;
}
