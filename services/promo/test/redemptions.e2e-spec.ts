import { createHash, randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  ApiClient,
  createTestApp,
  EngineApi,
  metricSum,
  serviceMetric,
  stackEnv,
  staffToken,
  waitFor,
} from '@otus/testing';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { RedemptionService } from '../src/redemptions/redemption.service';
import { RedeemPromoHandler } from '../src/worker/redeem-promo.handler';
import { ReleasePromoHandler } from '../src/worker/release-promo.handler';
import { ValidatePromoHandler } from '../src/worker/validate-promo.handler';

/**
 * promo.validate, promo.redeem and promo.release against real PostgreSQL and the real engine.
 * A second promo service runs in this process beside the stack's, so every engine-driven
 * test has two worker instances competing for the tasks.
 */
const env = stackEnv();
const engine = new EngineApi(env.CAMUNDA_REST_URL);
const DAY = 86_400_000;
const PRICE = 9_900_000;
const REDEEM = 'promo-redeem-test';
const RELEASE = 'promo-release-test';
/** A straight line of external tasks, one per topic, named after the topic's action ('Validate'). */
function straightLine(processKey: string, topics: string[]): string {
  const ids = topics.map((t) => t.split('.')[1].replace(/^./, (c) => c.toUpperCase()));
  const nodes = ['Start', ...ids, 'Done'];
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="${processKey}-defs" targetNamespace="https://otus.ru/test">
  <bpmn:process id="${processKey}" isExecutable="true" camunda:historyTimeToLive="P1D">
    <bpmn:startEvent id="Start" />
    ${topics.map((t, i) => `<bpmn:serviceTask id="${ids[i]}" camunda:type="external" camunda:topic="${t}" />`).join('\n    ')}
    <bpmn:endEvent id="Done" />
    ${nodes
      .slice(1)
      .map((to, i) => `<bpmn:sequenceFlow id="Flow${i}" sourceRef="${nodes[i]}" targetRef="${to}" />`)
      .join('\n    ')}
  </bpmn:process>
</bpmn:definitions>`;
}

let app: INestApplication;
let db: DataSource;
let admin: ApiClient;
const started: string[] = [];

async function newCode(campaign: Record<string, unknown> = {}, code: Record<string, unknown> = {}) {
  const created = await admin.post('/campaigns', {
    name: 'Воркер',
    startsAt: new Date(Date.now() - DAY).toISOString(),
    endsAt: new Date(Date.now() + 30 * DAY).toISOString(),
    discountType: 'percent',
    discountValue: 10,
    ...campaign,
  });
  expect(created.status).toBe(201);
  const text = `W-${randomUUID().slice(0, 8)}`;
  const saved = await admin.post(`/campaigns/${created.body.id}/codes`, { code: text, ...code });
  expect(saved.status).toBe(201);
  return { text, id: saved.body.id as string, campaignId: created.body.id as string };
}

const application = (promoCode: string | null, overrides: Record<string, unknown> = {}) => ({
  applicationId: randomUUID(),
  courseCode: 'NODE-1',
  priceKopecks: PRICE,
  clientEmail: `client-${randomUUID().slice(0, 8)}@example.test`,
  promoCode,
  ...overrides,
});

type Variables = Record<string, unknown>;

/** Runs one application through a test process with the two workers; the variables it ended with. */
async function run(variables: Variables, processKey = REDEEM): Promise<Variables> {
  const instance = await engine.start(processKey, String(variables.applicationId), variables);
  started.push(instance.id);
  // Longer than a task lock: a task a stopping worker's last long poll took comes back after it.
  await waitFor(
    `${processKey} ${instance.id} to end`,
    async () => (await engine.historicInstance(instance.id)).state === 'COMPLETED',
    { timeoutMs: 45_000 },
  );
  return engine.variables(instance.id);
}

const status = async (applicationId: string) =>
  (await db.query('SELECT status FROM redemptions WHERE application_id = $1', [applicationId]))[0]?.status;

const fetchedHere = async (topic: string) =>
  metricSum(await register.metrics(), 'worker_tasks_fetched_total', { topic });
const fetchedByStack = (topic: string) => serviceMetric('promo', 'worker_tasks_fetched_total', { topic });

beforeAll(async () => {
  app = await createTestApp(AppModule);
  db = app.get(DataSource);
  admin = new ApiClient(`${env.GATEWAY_URL}/api/promo`, await staffToken());
  await engine.deploy('promo-test', {
    [`${REDEEM}.bpmn`]: straightLine(REDEEM, ['promo.validate', 'promo.redeem']),
    [`${RELEASE}.bpmn`]: straightLine(RELEASE, ['promo.validate', 'promo.release', 'promo.redeem']),
  });
});
afterAll(async () => {
  // Only the release-then-redeem instance is left, with its incident.
  await Promise.all(
    started.map((id) =>
      engine.request('DELETE', `/process-instance/${id}?skipCustomListeners=true`).catch(() => undefined),
    ),
  );
  await app.close();
});

describe('promo.validate → promo.redeem through the engine', () => {
  it('applies a code: locks the discounted price, then redeems the use', async () => {
    const code = await newCode();
    const variables = application(code.text);
    expect(await run(variables)).toMatchObject({
      promoStatus: 'APPLIED',
      discountKopecks: 990_000,
      finalPriceKopecks: 8_910_000,
      promoRedeemed: true,
    });
    expect(await status(variables.applicationId)).toBe('redeemed');
    expect((await admin.get(`/codes/${code.id}`)).body).toMatchObject({ reservedUses: 0, redeemedUses: 1 });
  });

  it.each([
    ['NONE', 'no code', async () => null],
    ['NONE', 'an empty code', async () => ''],
    ['APPLIED', 'the code in another case, with spaces', async () => ` ${(await newCode()).text.toLowerCase()}  `],
    ['PROMO_INVALID', 'an unknown code', async () => 'NO-SUCH-CODE'],
    ['PROMO_INVALID', 'something that cannot be a code', async () => 'скидка пожалуйста!'],
    ['PROMO_INVALID', 'an inactive campaign', async () => (await newCode({ active: false })).text],
    [
      'PROMO_EXPIRED',
      'a campaign that ended',
      async () =>
        (
          await newCode({
            startsAt: new Date(Date.now() - 10 * DAY).toISOString(),
            endsAt: new Date(Date.now() - DAY).toISOString(),
          })
        ).text,
    ],
    [
      'PROMO_EXPIRED',
      'a campaign not started yet',
      async () => (await newCode({ startsAt: new Date(Date.now() + DAY).toISOString(), endsAt: null })).text,
    ],
    [
      'PROMO_NOT_APPLICABLE',
      'a campaign for other courses',
      async () => (await newCode({ courseCodes: ['GO-1'] })).text,
    ],
  ])('gives %s for %s; a bad code never stops the application', async (promoStatus, _what, code) => {
    const variables = application(await code());
    const ended = await run(variables);
    expect(ended).toMatchObject({ promoStatus, promoRedeemed: promoStatus === 'APPLIED' });
    if (promoStatus !== 'APPLIED') {
      expect(ended).toMatchObject({ discountKopecks: 0, finalPriceKopecks: PRICE });
      expect(await status(variables.applicationId)).toBeUndefined();
    }
  });

  it('treats an application without the promoCode variable as having no code', async () => {
    const { promoCode: _none, ...variables } = application(null);
    expect(await run(variables)).toMatchObject({ promoStatus: 'NONE', finalPriceKopecks: PRICE, promoRedeemed: false });
  });

  it('limits uses per client e-mail, in any case of the address', async () => {
    const code = await newCode({ maxUsesPerEmail: 1 });
    const email = `Repeat-${randomUUID().slice(0, 8)}@Example.test`;
    expect((await run(application(code.text, { clientEmail: email }))).promoStatus).toBe('APPLIED');
    expect(await run(application(code.text, { clientEmail: ` ${email.toLowerCase()} ` }))).toMatchObject({
      promoStatus: 'PROMO_EXHAUSTED',
      finalPriceKopecks: PRICE,
    });
    expect((await run(application(code.text))).promoStatus).toBe('APPLIED');
    const [row] = await db.query('SELECT email_hash FROM redemptions WHERE code_id = $1 LIMIT 1', [code.id]);
    expect(row.email_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('limits uses per mailbox: a +tag, the case and Gmail dots make no new address', async () => {
    const code = await newCode({ maxUsesPerEmail: 1 });
    const local = `ivan${randomUUID().slice(0, 8)}`;
    expect((await run(application(code.text, { clientEmail: `${local}@example.org` }))).promoStatus).toBe('APPLIED');
    for (const alias of [`${local[0].toUpperCase()}${local.slice(1)}+1@Example.org`, `${local}+promo+2@EXAMPLE.ORG`]) {
      expect(await run(application(code.text, { clientEmail: alias }))).toMatchObject({
        promoStatus: 'PROMO_EXHAUSTED',
        finalPriceKopecks: PRICE,
      });
    }
    // Another mailbox on the same domain still gets its use; dots count outside Gmail.
    expect((await run(application(code.text, { clientEmail: `${local}.x@example.org` }))).promoStatus).toBe('APPLIED');

    const gmail = await newCode({ maxUsesPerEmail: 1 });
    expect((await run(application(gmail.text, { clientEmail: `${local}@gmail.com` }))).promoStatus).toBe('APPLIED');
    const dotted = `${local.slice(0, 2)}.${local.slice(2, 5)}.${local.slice(5)}+x@GoogleMail.com`;
    expect((await run(application(gmail.text, { clientEmail: dotted }))).promoStatus).toBe('PROMO_EXHAUSTED');
  });

  it('still counts a use stored before e-mails were normalised under the address as it was given', async () => {
    const code = await newCode({ maxUsesPerEmail: 1 });
    const tagged = `legacy-${randomUUID().slice(0, 8)}+crm@example.org`;
    const first = application(code.text, { clientEmail: tagged });
    expect((await run(first)).promoStatus).toBe('APPLIED');
    // Rows written before the fix hold sha256 of the trimmed, lower-cased address, tag included.
    const legacy = createHash('sha256').update(tagged).digest('hex');
    await db.query('UPDATE redemptions SET email_hash = $1 WHERE application_id = $2', [legacy, first.applicationId]);
    expect((await run(application(code.text, { clientEmail: tagged.toUpperCase() }))).promoStatus).toBe(
      'PROMO_EXHAUSTED',
    );
  });

  it('limits uses over the whole campaign, across its codes', async () => {
    const first = await newCode({ maxUses: 1 });
    const second = await admin.post(`/campaigns/${first.campaignId}/codes`, { code: `W2-${randomUUID().slice(0, 8)}` });
    expect((await run(application(first.text))).promoStatus).toBe('APPLIED');
    expect((await run(application(second.body.code))).promoStatus).toBe('PROMO_EXHAUSTED');
  });

  it('a code with 10 uses and 50 parallel applications: exactly 10 redeemed, 40 PROMO_EXHAUSTED at full price', async () => {
    const code = await newCode({}, { maxUses: 10 });
    const before = { here: await fetchedHere('promo.validate'), stack: await fetchedByStack('promo.validate') };
    const instances = await Promise.all(
      Array.from({ length: 50 }, () => {
        const variables = application(code.text);
        return engine.start(REDEEM, variables.applicationId, variables);
      }),
    );
    const ids = instances.map((i) => i.id);
    started.push(...ids);
    await waitFor(
      'all 50 instances to end',
      async () =>
        (
          await engine.request<unknown[]>('POST', '/history/process-instance', {
            processInstanceIds: ids,
            finished: true,
          })
        ).length === 50,
      { timeoutMs: 90_000, intervalMs: 500 },
    );
    const rows = await engine.request<{ processInstanceId: string; name: string; value: unknown }[]>(
      'POST',
      '/history/variable-instance',
      { processInstanceIdIn: ids },
    );
    const outcomes = new Map<string, Variables>(ids.map((id) => [id, {}]));
    for (const row of rows) outcomes.get(row.processInstanceId)![row.name] = row.value;
    const ended = [...outcomes.values()];
    const applied = ended.filter((v) => v.promoStatus === 'APPLIED');
    const exhausted = ended.filter((v) => v.promoStatus === 'PROMO_EXHAUSTED');
    expect(applied).toHaveLength(10);
    expect(exhausted).toHaveLength(40);
    for (const v of applied) expect(v).toMatchObject({ finalPriceKopecks: 8_910_000, promoRedeemed: true });
    for (const v of exhausted) {
      expect(v).toMatchObject({ discountKopecks: 0, finalPriceKopecks: PRICE, promoRedeemed: false });
    }
    const counts = await db.query('SELECT status, count(*)::int AS n FROM redemptions WHERE code_id = $1 GROUP BY 1', [
      code.id,
    ]);
    expect(counts).toEqual([{ status: 'redeemed', n: 10 }]);

    // Both workers took part: this process's and the stack's promo service.
    expect((await fetchedHere('promo.validate')) - before.here).toBeGreaterThan(0);
    expect((await fetchedByStack('promo.validate')) - before.stack).toBeGreaterThan(0);
  }, 120_000);

  it('makes redeeming a released use an incident, not a silent success', async () => {
    const code = await newCode();
    const variables = application(code.text);
    const instance = await engine.start(RELEASE, variables.applicationId, variables);
    started.push(instance.id);
    const [incident] = await waitFor('the redeem incident', async () => {
      const incidents = await engine.incidents(instance.id);
      return incidents.length > 0 && incidents;
    });
    expect(incident).toMatchObject({ incidentType: 'failedExternalTask', activityId: 'Redeem' });
    expect(incident.incidentMessage).toMatch(/PROMO_RESERVATION_RELEASED/);
    expect(await engine.variables(instance.id)).toMatchObject({ promoStatus: 'APPLIED', promoReleased: true });
    expect(await status(variables.applicationId)).toBe('released');
  });
});

describe('idempotency, handler by handler', () => {
  it('reserves once when promo.validate is delivered twice, at the price locked the first time', async () => {
    const code = await newCode({}, { maxUses: 5 });
    const handler = app.get(ValidatePromoHandler);
    const input = handler.input.parse(application(code.text));
    const first = await handler.handle(input);
    expect(first).toEqual({ promoStatus: 'APPLIED', discountKopecks: 990_000, finalPriceKopecks: 8_910_000 });
    const raised = await admin.patch(`/campaigns/${code.campaignId}`, { discountValue: 50 });
    expect(raised.status).toBe(200);
    expect(await handler.handle(input)).toEqual(first);
    expect(await handler.handle({ ...input, priceKopecks: 1 })).toEqual(first);
    const [{ n }] = await db.query('SELECT count(*)::int AS n FROM redemptions WHERE application_id = $1', [
      input.applicationId,
    ]);
    expect(n).toBe(1);
    // A new application gets the new discount.
    expect((await handler.handle(handler.input.parse(application(code.text)))).discountKopecks).toBe(4_950_000);
  });

  it('reserves once when two deliveries of the same task run at the same moment', async () => {
    const code = await newCode({}, { maxUses: 5 });
    const handler = app.get(ValidatePromoHandler);
    const input = handler.input.parse(application(code.text));
    const results = await Promise.all(Array.from({ length: 5 }, () => handler.handle(input)));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect((await admin.get(`/codes/${code.id}`)).body.reservedUses).toBe(1);
  });

  it('redeems and releases idempotently, and refuses to redeem a released use', async () => {
    const code = await newCode();
    const redeem = app.get(RedeemPromoHandler);
    const release = app.get(ReleasePromoHandler);
    const [a, b] = [application(code.text), application(code.text)];
    await app.get(ValidatePromoHandler).handle(a);
    await app.get(ValidatePromoHandler).handle(b);

    expect(await redeem.handle(a)).toEqual({ promoRedeemed: true });
    expect(await redeem.handle(a)).toEqual({ promoRedeemed: true });
    expect(await status(a.applicationId)).toBe('redeemed');
    // The failure path compensates after a redeem too.
    expect(await release.handle(a)).toEqual({ promoReleased: true });
    expect(await status(a.applicationId)).toBe('released');

    expect(await release.handle(b)).toEqual({ promoReleased: true });
    expect(await release.handle(b)).toEqual({ promoReleased: true });
    await expect(redeem.handle(b)).rejects.toMatchObject({ code: 'PROMO_RESERVATION_RELEASED' });
    // Validating a released application again does not bring the use back.
    await expect(app.get(ValidatePromoHandler).handle(b)).rejects.toMatchObject({ code: 'PROMO_RESERVATION_RELEASED' });
    expect((await admin.get(`/codes/${code.id}`)).body).toMatchObject({ reservedUses: 0, redeemedUses: 0 });
  });

  it('does nothing on redeem or release when nothing was reserved', async () => {
    const nothing = { applicationId: randomUUID() };
    expect(await app.get(RedeemPromoHandler).handle(nothing)).toEqual({ promoRedeemed: false });
    expect(await app.get(ReleasePromoHandler).handle(nothing)).toEqual({ promoReleased: false });
  });

  it('counts operations and rejections by reason', async () => {
    const code = await newCode({}, { maxUses: 1 });
    const service = app.get(RedemptionService);
    const a = application(code.text);
    await service.reserve(a);
    await service.reserve(application(code.text));
    await service.redeem(a.applicationId);
    await service.release(a.applicationId);
    const metrics = await register.getSingleMetricAsString('promo_operations_total');
    for (const series of [
      'operation="reserved"',
      'operation="rejected",reason="PROMO_EXHAUSTED"',
      'operation="redeemed"',
      'operation="released"',
    ]) {
      expect(metrics).toMatch(new RegExp(`promo_operations_total\\{${series}[^}]*\\} [1-9]`));
    }
  });

  it('rejects unusable process variables as INVALID_VARIABLES input, naming them', () => {
    const result = app.get(ValidatePromoHandler).input.safeParse({
      applicationId: 'a',
      courseCode: 'NODE-1',
      priceKopecks: 99.5,
      clientEmail: 'not an e-mail',
      promoCode: 'X',
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['clientEmail', 'priceKopecks']);
    expect(
      app.get(ValidatePromoHandler).input.safeParse(application(null, { clientEmail: 'иван@почта.рф' })).success,
    ).toBe(true);
  });
});
