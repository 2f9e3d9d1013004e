/**
 * Every panel query of the Grafana dashboards returns data from the stack's real Prometheus
 * after an end-to-end flow: one contract concluded (course, promo code, CRM application with a
 * webhook endpoint that fails once, link, form, draft, signing code from the mail catcher,
 * signature) and one application rejected. Grafana itself does not run here; the queries are
 * sent to Prometheus's HTTP API as Grafana would, variables substituted (dashboard-queries.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  admin,
  application,
  clientSession,
  crm,
  openCourse,
  serviceMetric,
  stackEnv,
  startReceiver,
  validForm,
  waitFor,
  mailsTo,
  type Receiver,
} from '@otus/testing';
import { allQueries, type Query, variableSelectors } from './dashboard-queries';

const env = stackEnv();
const DAY = 86_400_000;

interface PromResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string> }[] };
}

async function prometheus(query: string, instant: boolean): Promise<PromResult> {
  const now = Math.floor(Date.now() / 1000);
  const params = instant
    ? new URLSearchParams({ query, time: String(now) })
    : new URLSearchParams({ query, start: String(now - 900), end: String(now), step: '15' });
  const response = await fetch(`${env.PROMETHEUS_URL}/api/v1/${instant ? 'query' : 'query_range'}?${params}`);
  return (await response.json()) as PromResult;
}

/** "" when the query answers with at least one series, else why not. */
async function problem(q: Query): Promise<string> {
  const answer = await prometheus(q.expr, q.instant);
  if (answer.status !== 'success') return `error: ${answer.error}`;
  return answer.data!.result.length > 0 ? '' : 'no series';
}

/** The business counters the flow must move, read before and after it. */
const COUNTERS: [string, string, Record<string, string>][] = [
  ['contract', 'contract_applications_total', { event: 'received' }],
  ['contract', 'contract_applications_total', { event: 'ended', outcome: 'CONCLUDED' }],
  ['contract', 'contract_applications_total', { event: 'ended', outcome: 'REJECTED' }],
  ['notification', 'otus_funnel_total', { step: 'link_sent' }],
  ['user', 'otus_funnel_total', { step: 'link_opened' }],
  ['contract', 'otus_funnel_total', { step: 'data_submitted' }],
  ['contract', 'otus_funnel_total', { step: 'draft_ready' }],
  ['contract', 'otus_funnel_total', { step: 'signed' }],
  ['course', 'course_seat_operations_total', { operation: 'held' }],
  ['course', 'course_seat_operations_total', { operation: 'confirmed' }],
  ['promo', 'promo_operations_total', { operation: 'reserved' }],
  ['promo', 'promo_operations_total', { operation: 'redeemed' }],
  ['notification', 'notification_delivery_attempts_total', { channel: 'webhook', status: 'failed' }],
  ['notification', 'notification_delivery_attempts_total', { channel: 'email', status: 'sent' }],
];

let receiver: Receiver;

beforeAll(async () => {
  receiver = await startReceiver();
});
afterAll(() => receiver.close());

it('drives one concluded and one rejected application through the stack, moving every business counter', async () => {
  const before = await Promise.all(COUNTERS.map(([service, name, labels]) => serviceMetric(service, name, labels)));
  const staff = await admin();
  const course = await openCourse({ capacity: 5, title: 'Наблюдаемость' });
  const campaign = await staff.post('/api/promo/campaigns', {
    name: `Метрики ${randomUUID().slice(0, 8)}`,
    startsAt: new Date(Date.now() - DAY).toISOString(),
    endsAt: new Date(Date.now() + 30 * DAY).toISOString(),
    discountType: 'percent',
    discountValue: 10,
  });
  expect(campaign.status).toBe(201);
  const promoCode = `OBS-${randomUUID().slice(0, 8)}`.toUpperCase();
  expect((await staff.post(`/api/promo/campaigns/${campaign.body.id}/codes`, { code: promoCode })).status).toBe(201);

  const amo = await crm();
  // The CRM's endpoint answers 500 once: a failed webhook attempt, then the in-process retry delivers.
  const endpoint = await staff.post('/api/notification/webhook-endpoints', {
    crmClientId: amo.clientId,
    url: `${receiver.url}/hooks`,
  });
  expect(endpoint.status).toBe(201);
  receiver.script(500);

  const dto = application(course.code);
  const { body } = await amo.post('/applications', dto);
  const client = await clientSession(body.applicationId);
  // Every e-mail goes to the CRM's address: read the code from the code e-mail there.
  const email = dto.clientEmail;
  expect((await client.post('/form', validForm({ promoCode }))).status).toBe(204);
  await waitFor('the draft', async () => (await client.get('')).body.state === 'SIGNING', { timeoutMs: 60_000 });
  expect((await client.post('/signing-code')).status).toBe(200);
  const code = await waitFor('the signing code e-mail', async () =>
    (await mailsTo(email))
      .filter((m) => m.subject.startsWith('Код для подписания'))
      .map((m) => /\b(\d{6})\b/.exec(m.text)?.[1])
      .find(Boolean),
  );
  expect((await client.post('/signature', { signingCode: code })).status).toBe(204);
  await waitFor(
    'the CRM to see CONCLUDED',
    async () => (await amo.get(`/applications/${dto.crmApplicationId}`)).body.outcome === 'CONCLUDED',
    { timeoutMs: 90_000 },
  );

  const rejected = application(`NO-SUCH-${randomUUID().slice(0, 8)}`);
  expect((await amo.post('/applications', rejected)).status).toBe(201);
  await waitFor(
    'the CRM to see REJECTED',
    async () => (await amo.get(`/applications/${rejected.crmApplicationId}`)).body.outcome === 'REJECTED',
    { timeoutMs: 60_000 },
  );
  await waitFor('the webhooks', async () => receiver.requests.length >= 3, { timeoutMs: 60_000 });

  // Other suites may share the stack, so at least one each; our own course's seats are exact.
  const after = await Promise.all(COUNTERS.map(([service, name, labels]) => serviceMetric(service, name, labels)));
  const moved = COUNTERS.map(
    ([service, name, labels], i) => `${service} ${name}${JSON.stringify(labels)}: ${after[i] > before[i]}`,
  );
  expect(moved.filter((m) => m.endsWith('false'))).toEqual([]);
  expect(await serviceMetric('course', 'course_free_seats', { course: course.code })).toBe(4);
  expect(await serviceMetric('course', 'course_capacity', { course: course.code })).toBe(5);
}, 240_000);

it('has every dashboard panel query answer with data from Prometheus', async () => {
  const queries = allQueries('15m');
  expect(queries.length).toBeGreaterThan(30);
  // The flow's last counters reach Prometheus within a few scrapes (5 s); rate() needs two samples.
  let failing: string[] = [];
  await waitFor(
    'every panel query to return data',
    async () => {
      const problems = await Promise.all(queries.map(problem));
      failing = queries.flatMap((q, i) =>
        problems[i] ? [`${q.dashboard} / ${q.panel} [${q.refId}]: ${problems[i]}\n    ${q.expr}`] : [],
      );
      return failing.length === 0;
    },
    { timeoutMs: 90_000, intervalMs: 5_000 },
  ).catch(() => undefined);
  expect(failing).toEqual([]);
}, 120_000);

it('has values for every dashboard variable', async () => {
  for (const v of variableSelectors()) {
    const params = new URLSearchParams({ 'match[]': v.selector });
    const response = await fetch(`${env.PROMETHEUS_URL}/api/v1/label/${v.label}/values?${params}`);
    const { data } = (await response.json()) as { data: string[] };
    expect(`${v.dashboard} $${v.name}: ${data.length > 0}`).toBe(`${v.dashboard} $${v.name}: true`);
  }
});

it('serves the alert rules from the repo in the running Prometheus', async () => {
  const response = await fetch(`${env.PROMETHEUS_URL}/api/v1/rules?type=alert`);
  const { data } = (await response.json()) as { data: { groups: { rules: { name: string; health: string }[] }[] } };
  const rules = data.groups.flatMap((g) => g.rules);
  expect(rules.map((r) => r.name)).toEqual(expect.arrayContaining(['EngineDown', 'CamundaOpenIncidents']));
  expect(rules.filter((r) => r.health === 'err')).toEqual([]);
});
