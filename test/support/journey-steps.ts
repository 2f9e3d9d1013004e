import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  admin,
  type ApiResponse,
  application,
  clientSession,
  EngineApi,
  mailsTo,
  processOf,
  REPO_ROOT,
  type ReceivedMail,
  stackEnv,
  uniqueAddress,
  validForm,
  waitFor,
} from '@otus/testing';

/**
 * A client's journey through the gateway one step at a time, for the journeys and the fault
 * tests (which put a fault between any two steps): the CRM posts, the client submits the form,
 * signs with the code from the e-mail; and the checks that a journey ended cleanly.
 */
export const MINUTE = 60_000;
export const env = stackEnv();
export const engine = new EngineApi(env.CAMUNDA_REST_URL);

/** What the fault tests need of a client: ApiClient, or one calling from its own address. */
export interface Http {
  get(path: string): Promise<ApiResponse>;
  post(path: string, body?: unknown): Promise<ApiResponse>;
}

export interface Started {
  applicationId: string;
  crmApplicationId: string;
  email: string;
}

/** A code (5 uses) of a new 10 % campaign on the course, made by staff. */
export async function promoCodeFor(courseCode: string): Promise<string> {
  const staff = await admin();
  const campaign = await staff.post('/api/promo/campaigns', {
    name: 'Test -10%',
    startsAt: new Date(Date.now() - MINUTE).toISOString(),
    discountType: 'percent',
    discountValue: 10,
    courseCodes: [courseCode],
  });
  if (campaign.status !== 201) throw new Error(`campaign: ${campaign.status} ${JSON.stringify(campaign.body)}`);
  const code = `P${randomUUID().slice(0, 6).toUpperCase()}`;
  const made = await staff.post(`/api/promo/campaigns/${campaign.body.id}/codes`, { code, maxUses: 5 });
  if (made.status !== 201) throw new Error(`promo code: ${made.status} ${JSON.stringify(made.body)}`);
  return code;
}

export async function apply(crm: Http, courseCode: string, overrides: Record<string, unknown> = {}): Promise<Started> {
  const email = uniqueAddress('journey');
  const dto = application(courseCode, { clientEmail: email, ...overrides });
  const { status, body } = await crm.post('/applications', dto);
  if (status !== 201) throw new Error(`CRM post: ${status} ${JSON.stringify(body)}`);
  return { applicationId: body.applicationId, crmApplicationId: dto.crmApplicationId, email };
}

/** The application's process is waiting in `activityId` (a receive task, or an external task nobody took yet). */
export async function waitingIn(applicationId: string, activityId: string, timeoutMs = MINUTE): Promise<string> {
  const processInstanceId = await processOf(applicationId);
  await waitFor(
    `${applicationId} to wait in ${activityId}`,
    async () => (await engine.activities(processInstanceId)).some((a) => a.activityId === activityId && !a.endTime),
    { timeoutMs, intervalMs: 250 },
  );
  return processInstanceId;
}

/** The activity has run and ended. */
export async function passed(applicationId: string, activityId: string, timeoutMs = MINUTE): Promise<void> {
  const processInstanceId = await processOf(applicationId);
  await waitFor(
    `${applicationId} to pass ${activityId}`,
    async () => (await engine.activities(processInstanceId)).some((a) => a.activityId === activityId && a.endTime),
    { timeoutMs, intervalMs: 250 },
  );
}

export async function clientState(client: Http): Promise<string> {
  const { status, body } = await client.get('');
  if (status !== 200) throw new Error(`client view: ${status} ${JSON.stringify(body)}`);
  return body.state;
}

export async function untilState(client: Http, state: string, timeoutMs = MINUTE): Promise<void> {
  await waitFor(`the client page to show ${state}`, async () => (await clientState(client)) === state, {
    timeoutMs,
    intervalMs: 250,
  });
}

/** The client opens the link and submits the form with the address the rest of the mail goes to. */
export async function submitForm(started: Started, client?: Http): Promise<Http> {
  const session = client ?? (await clientSession(started.applicationId));
  const { status, body } = await session.post('/form', validForm());
  if (status !== 204) throw new Error(`form: ${status} ${JSON.stringify(body)}`);
  return session;
}

/** The link's token as a link e-mail carries it. */
export const tokenIn = (mail: ReceivedMail) => /\/l\/([A-Za-z0-9_-]+)/.exec(mail.text)![1];

export const codeMail = (mails: ReceivedMail[]) => mails.find((m) => /^Код для подписания/.test(m.subject));

/** Asks for a code (again after a 429 from the gateway, as the page does) and reads it from the client's inbox. */
export async function requestCode(client: Http, email: string): Promise<string> {
  await waitFor(
    'the signing code to be sent',
    async () => {
      const { status, body } = await client.post('/signing-code');
      if (status === 200) return true;
      if (status === 429 || status === 503) return false;
      throw new Error(`signing-code: ${status} ${JSON.stringify(body)}`);
    },
    { timeoutMs: MINUTE, intervalMs: 1_000 },
  );
  const mail = await waitFor('the code e-mail', async () => codeMail(await mailsTo(email)), { timeoutMs: MINUTE });
  return /\b(\d{6})\b/.exec(mail.text)![1];
}

export async function sign(client: Http, signingCode: string): Promise<void> {
  await waitFor(
    'the signature to be accepted',
    async () => {
      const { status, body } = await client.post('/signature', { signingCode });
      if (status === 204) return true;
      if (status === 429) return false;
      throw new Error(`signature: ${status} ${JSON.stringify(body)}`);
    },
    { timeoutMs: MINUTE, intervalMs: 1_000 },
  );
}

/** The CRM's record once the application has ended. */
export function outcomeOf(crm: Http, started: Started, timeoutMs = 2 * MINUTE) {
  return waitFor(
    `${started.crmApplicationId} to end`,
    async () => {
      const { body } = await crm.get(`/applications/${started.crmApplicationId}`);
      return body.outcome ? (body as { status: string; outcome: string; outcomeReason: string | null }) : undefined;
    },
    { timeoutMs, intervalMs: 500 },
  );
}

/** The client submits the form, and the draft is ready to sign. */
export async function reachSigning(started: Started): Promise<Http> {
  const client = await submitForm(started);
  await untilState(client, 'SIGNING');
  return client;
}

/**
 * Three applications waiting at each point a fault can meet a client: for the form, for the
 * signature, and for the signature with a code already e-mailed (`code`).
 */
export async function journeysAtEveryPoint(crm: Http, courseCode: string) {
  const [atForm, atSigning, withCode] = await Promise.all([1, 2, 3].map(() => apply(crm, courseCode)));
  await waitingIn(atForm.applicationId, 'Task_WaitClientData');
  const [signingClient, codeClient] = await Promise.all([reachSigning(atSigning), reachSigning(withCode)]);
  const code = await requestCode(codeClient, withCode.email);
  return { atForm, atSigning, withCode, signingClient, codeClient, code };
}

/**
 * Takes the application to a concluded contract from wherever it waits: the form (no `client`
 * yet), or the signature (its `client`, and the `signingCode` if one was already e-mailed).
 */
export async function conclude(crm: Http, started: Started, client?: Http, signingCode?: string): Promise<void> {
  const session = client ?? (await reachSigning(started));
  await sign(session, signingCode ?? (await requestCode(session, started.email)));
  expect(await outcomeOf(crm, started)).toMatchObject({ status: 'CONCLUDED', outcome: 'CONCLUDED' });
  await expectCleanEnd(started.applicationId, 'End_Concluded');
}

/** Incidents ever raised for the instance, open or resolved. */
export function incidentsEver(processInstanceId: string): Promise<unknown[]> {
  return engine.request('GET', `/history/incident?processInstanceId=${processInstanceId}`);
}

/**
 * The process completed at `endEvent` (the ends of notification, new-link, reminder and
 * course-change branches aside), and never had an incident.
 */
export async function expectCleanEnd(applicationId: string, endEvent: string): Promise<void> {
  const processInstanceId = await processOf(applicationId);
  await waitFor(
    `the process of ${applicationId} to complete`,
    async () => (await engine.historicInstance(processInstanceId)).state === 'COMPLETED',
    { timeoutMs: MINUTE, intervalMs: 250 },
  );
  const ends = (await engine.activities(processInstanceId))
    .filter(
      (a) =>
        a.activityType === 'noneEndEvent' &&
        !/Notified|ReminderSent|ReissuedAt|RenewalPassedOn|Reassessed|LockReported/.test(a.activityId),
    )
    .map((a) => a.activityId);
  expect(ends).toEqual([endEvent]);
  expect(await incidentsEver(processInstanceId)).toEqual([]);
}

/** How many times the activity ran in the instance (each external-task delivery that completed counts once). */
export async function timesRun(processInstanceId: string, activityId: string): Promise<number> {
  return (await engine.activities(processInstanceId)).filter((a) => a.activityId === activityId).length;
}

/** The pid `stack.mjs` recorded for a component: unchanged means the process was not restarted. */
export function stackPid(component: string): number {
  return JSON.parse(readFileSync(resolve(REPO_ROOT, `.stack/run/${component}.pid`), 'utf8')).pid;
}

/** Runs `work` over `items`, at most `limit` at a time, and keeps each result or error in order. */
export async function bounded<T, R>(
  items: T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<PromiseSettledResult<R>[]> {
  const results: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await work(items[i], i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
