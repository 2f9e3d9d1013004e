import { DataSource } from 'typeorm';
import {
  ApiClient,
  crmWithReceiver,
  linkToken,
  mailsTo,
  openCourse,
  processOf,
  validForm,
  STEP_EVENTS,
  waitFor,
} from '@otus/testing';
import {
  apply,
  bounded,
  clientState,
  engine,
  env,
  type Http,
  incidentsEver,
  MINUTE,
  outcomeOf,
  requestCode,
  sign,
  type Started,
  waitingIn,
} from '../support/journey-steps';
import { completedTasks, type Replica, startReplicas, stopReplicas } from './support/replicas';

/**
 * 100 applications for a 10-seat course with two processes of every service, so every topic
 * has two competing workers. The CRM sends all 100 first (each passes the availability check
 * while the course is still empty); then the clients come, 10 at a time, each from its own
 * address: link → form → and, if a draft is offered, code from the e-mail → signature.
 * Exactly 10 conclude, 90 end NO_SEATS, nothing is left running and nothing raised an incident.
 */
jest.setTimeout(10 * MINUTE);

const SERVICES = ['user', 'contract', 'course', 'promo', 'notification'];
const APPLICATIONS = 100;
const SEATS = 10;
const PARALLEL = 10;

let replicas: Replica[] = [];
let crm: Awaited<ReturnType<typeof crmWithReceiver>>;

beforeAll(async () => {
  crm = await crmWithReceiver();
  replicas = await startReplicas(SERVICES);
});

afterAll(async () => {
  await stopReplicas(replicas);
  await crm?.receiver.close();
});

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** What a client's browser does with the link: exchange it for a session, then use the application's API. */
async function session(started: Started, index: number): Promise<Http> {
  // Each client from a loopback address of its own (127.0.1.x…), as a hundred real clients call from a hundred
  // addresses: the gateway's per-address limits (link exchange, signing codes) then apply to each client.
  const browser = new ApiClient(env.GATEWAY_URL).from(`127.0.${1 + Math.floor(index / 250)}.${2 + (index % 250)}`);
  const exchange = await waitFor(`the link session of client ${index}`, async () => {
    const res = await browser.post('/api/user/client-links/exchange', {
      token: await linkToken(started.applicationId),
    });
    if (res.status === 429) return false;
    if (res.status !== 200) throw new Error(`exchange: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  });
  const cookie = exchange.headers.get('set-cookie')!.split(';')[0];
  return browser.at(`${env.GATEWAY_URL}/client/api/applications/${started.applicationId}`).withHeaders({ cookie });
}

/** For a journey that timed out: the activities still open in its process and its incidents. */
async function whereItStands(applicationId: string): Promise<string> {
  const instance = await processOf(applicationId);
  const open = (await engine.activities(instance)).filter((a) => !a.endTime).map((a) => a.activityId);
  const incidents = (await incidentsEver(instance)) as { incidentMessage?: string }[];
  return `open activities ${JSON.stringify(open)}, incidents ${JSON.stringify(incidents.map((i) => i.incidentMessage))}`;
}

async function client(started: Started, index: number): Promise<'SIGNED' | 'ENDED'> {
  const page = await session(started, index);
  const form = await page.post('/form', validForm());
  if (form.status !== 204) throw new Error(`form: ${form.status} ${JSON.stringify(form.body)}`);
  const state = await waitFor(
    `client ${index}: a draft or an end`,
    async () => {
      const s = await clientState(page);
      return (s === 'SIGNING' || s === 'ENDED') && s;
    },
    { timeoutMs: 3 * MINUTE, intervalMs: 500 },
  ).catch(async (e: Error) => {
    throw new Error(`${e.message}; ${await whereItStands(started.applicationId)}`);
  });
  if (state === 'ENDED') return 'ENDED';
  await sign(page, await requestCode(page, started.email));
  return 'SIGNED';
}

it('100 applications, 10 seats, two workers per topic: 10 concluded, 90 no seats, none stuck, no incident', async () => {
  const course = await openCourse({ capacity: SEATS });
  const primaryBefore = Object.fromEntries(await Promise.all(SERVICES.map(async (s) => [s, await completedTasks(s)])));
  const t0 = Date.now();

  const posted = await bounded(Array.from({ length: APPLICATIONS }), PARALLEL, () => apply(crm.amo, course.code));
  const failedPosts = posted.filter((r) => r.status === 'rejected');
  expect(failedPosts).toEqual([]);
  const applications = posted.map((r) => (r as PromiseFulfilledResult<Started>).value);
  await bounded(applications, PARALLEL, (s) => waitingIn(s.applicationId, 'Task_WaitClientData', 3 * MINUTE));
  const tLinks = Date.now();

  const journeys = await bounded(applications, PARALLEL, (s, i) => client(s, i));
  const failedJourneys = journeys.flatMap((r, i) => (r.status === 'rejected' ? [`${i}: ${r.reason}`] : []));
  expect(failedJourneys).toEqual([]);
  const tClients = Date.now();

  const outcomes = await bounded(applications, PARALLEL, (s) => outcomeOf(crm.amo, s, 3 * MINUTE));
  const byOutcome: Record<string, number> = {};
  for (const r of outcomes) {
    const key = r.status === 'fulfilled' ? r.value.outcome : 'NOT ENDED';
    byOutcome[key] = (byOutcome[key] ?? 0) + 1;
  }
  const instances = await Promise.all(applications.map((s) => processOf(s.applicationId)));
  // Settled: the notification branches end too, so no instance of the hundred is left running.
  const stuck = await waitFor(
    'every instance to complete',
    async () => {
      const running = await engine.request<{ id: string }[]>('POST', '/process-instance', {
        processInstanceIds: instances,
      });
      return running.length === 0 ? running : undefined;
    },
    { timeoutMs: 3 * MINUTE, intervalMs: 1_000 },
  ).catch(async () => engine.request<{ id: string }[]>('POST', '/process-instance', { processInstanceIds: instances }));
  const tSettled = Date.now();

  const incidents = (await bounded(instances, PARALLEL, (id) => incidentsEver(id))).flatMap((r) =>
    r.status === 'fulfilled' ? r.value : [r.reason],
  );
  const perProcess = await Promise.all(
    SERVICES.map(async (s) => {
      const replica = replicas.find((r) => r.service === s)!;
      return {
        service: s,
        stack: (await completedTasks(s)) - primaryBefore[s],
        replica: await completedTasks(s, replica.metricsPort),
      };
    }),
  );
  const tasks = perProcess.reduce((n, p) => n + p.stack + p.replica, 0);

  console.log(
    [
      `load: ${APPLICATIONS} applications, ${SEATS} seats, 2 processes per service, clients ${PARALLEL} at a time`,
      `  total ${seconds(tSettled - t0)}: CRM posts + links ${seconds(tLinks - t0)}, clients ${seconds(tClients - tLinks)}, ` +
        `settling ${seconds(tSettled - tClients)}`,
      `  outcomes ${JSON.stringify(byOutcome)}; clients who signed ${journeys.filter((r) => r.status === 'fulfilled' && r.value === 'SIGNED').length}`,
      `  instances still running ${stuck.length}; incidents ${incidents.length}`,
      `  external tasks completed ${tasks} (${(tasks / ((tSettled - t0) / 1000)).toFixed(1)}/s): ` +
        perProcess.map((p) => `${p.service} ${p.stack}+${p.replica}`).join(', '),
    ].join('\n'),
  );

  expect(byOutcome).toEqual({ CONCLUDED: SEATS, NO_SEATS: APPLICATIONS - SEATS });
  expect(stuck).toEqual([]);
  expect(incidents).toEqual([]);
  // Both processes of every service did work: the replicas really competed for the tasks.
  for (const p of perProcess) {
    expect(p.stack).toBeGreaterThan(0);
    expect(p.replica).toBeGreaterThan(0);
  }

  // Where each part keeps its record: ten confirmed seats and nothing else held; one of each e-mail.
  const courseDb = await new DataSource({ type: 'postgres', url: env.COURSE_DB_URL }).initialize();
  try {
    expect(
      await courseDb.query(
        `SELECT s.status, count(*)::int AS n FROM seat_holds s JOIN courses c ON c.id = s.course_id
          WHERE c.code = $1 GROUP BY s.status`,
        [course.code],
      ),
    ).toEqual([{ status: 'confirmed', n: SEATS }]);
  } finally {
    await courseDb.destroy();
  }
  const mailCheck = await bounded(applications, PARALLEL, async (s, i) => {
    const subjects = (await mailsTo(s.email)).map((m) => m.subject).sort();
    const concluded = outcomes[i].status === 'fulfilled' && outcomes[i].value.outcome === 'CONCLUDED';
    const expected = concluded
      ? [/готов к подписанию/, /^Код для подписания/, /^Оформление договора/, /подписан$/]
      : [/^Места на курсе/, /^Оформление договора/];
    expect(subjects).toHaveLength(expected.length);
    expected.forEach((pattern) => expect(subjects.some((subject) => pattern.test(subject))).toBe(true));
    const webhooks = crm
      .webhooksFor(s.applicationId)
      .map((w) => w.type)
      .filter((t) => !STEP_EVENTS.includes(t))
      .sort();
    expect(webhooks).toEqual(concluded ? ['contract.signed', 'link.sent'] : ['application.no-seats', 'link.sent']);
  });
  expect(mailCheck.flatMap((r, i) => (r.status === 'rejected' ? [`${i}: ${r.reason}`] : []))).toEqual([]);
});
