import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ApiClient, createTestApp, stackEnv, staffToken } from '@otus/testing';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';

/**
 * The public code check the client form calls, through the real gateway, and its rate limit:
 * 30 checks a minute per client address (the stack's defaults). Through the gateway every
 * test request comes from 127.0.0.1, so the burst at the end uses up that address's window.
 */
const env = stackEnv();
const anonymous = new ApiClient(`${env.GATEWAY_URL}/api/promo`);
let admin: ApiClient;
let db: DataSource;
let app: INestApplication;

const DAY = 86_400_000;
const iso = (days: number) => new Date(Date.now() + days * DAY).toISOString();

async function codeFor(campaign: Record<string, unknown> = {}, code: Record<string, unknown> = {}) {
  const created = await admin.post('/campaigns', {
    name: 'Проверка',
    startsAt: iso(-1),
    endsAt: iso(30),
    discountType: 'percent',
    discountValue: 15,
    ...campaign,
  });
  expect(created.status).toBe(201);
  const text = `chk-${randomUUID().slice(0, 8)}`;
  const saved = await admin.post(`/campaigns/${created.body.id}/codes`, { code: text, ...code });
  expect(saved.status).toBe(201);
  return { text, id: saved.body.id as string, campaignId: created.body.id as string };
}

const check = (code: string, courseCode = 'NODE-1', priceKopecks = 9_900_000) =>
  anonymous.post('/public/promo-codes/check', { code, courseCode, priceKopecks });

beforeAll(async () => {
  admin = anonymous.withToken(await staffToken());
  app = await createTestApp(AppModule);
  db = app.get(DataSource);
  // A run a moment ago may have used up this address's window: wait until it has passed.
  for (let probe = await check('WARM-UP'); probe.status === 429; probe = await check('WARM-UP')) {
    await new Promise((r) => setTimeout(r, (Number(probe.headers.get('retry-after') ?? 1) + 1) * 1000));
  }
}, 90_000);
afterAll(() => app.close());

describe('POST /public/promo-codes/check', () => {
  it('prices a code without a token, in any case and with spaces around it', async () => {
    const { text } = await codeFor();
    const { status, body } = await check(`  ${text.toUpperCase()} `);
    expect(status).toBe(200);
    expect(body).toEqual({ applicable: true, discountKopecks: 1_485_000, finalPriceKopecks: 8_415_000 });
  });

  it('never takes off more than the price', async () => {
    const { text } = await codeFor({ discountType: 'fixed', discountValue: 10_000_000, courseCodes: ['NODE-1'] });
    expect((await check(text)).body).toEqual({ applicable: true, discountKopecks: 9_900_000, finalPriceKopecks: 0 });
  });

  it.each([
    ['PROMO_INVALID', 'an unknown code', async () => 'NO-SUCH-CODE'],
    ['PROMO_INVALID', 'a code of an inactive campaign', async () => (await codeFor({ active: false })).text],
    [
      'PROMO_EXPIRED',
      'a campaign that ended',
      async () => (await codeFor({ startsAt: iso(-10), endsAt: iso(-1) })).text,
    ],
    ['PROMO_EXPIRED', 'a campaign not started yet', async () => (await codeFor({ startsAt: iso(1) })).text],
    ['PROMO_NOT_APPLICABLE', 'another course', async () => (await codeFor({ courseCodes: ['GO-1'] })).text],
    [
      'PROMO_EXHAUSTED',
      'a single-use code in use',
      async () => {
        const code = await codeFor({}, { maxUses: 1 });
        await db.query(
          `INSERT INTO redemptions (application_id, code_id, campaign_id, email_hash, status, price_kopecks, discount_kopecks, final_price_kopecks)
           VALUES ($1, $2, $3, $4, 'reserved', 100, 15, 85)`,
          [randomUUID(), code.id, code.campaignId, 'b'.repeat(64)],
        );
        return code.text;
      },
    ],
  ])('answers %s for %s, with the full price', async (reason, _what, code) => {
    const { status, body } = await check(await code());
    expect(status).toBe(200);
    expect(body).toEqual({ applicable: false, reason, discountKopecks: 0, finalPriceKopecks: 9_900_000 });
  });

  it('rejects a malformed request with 400 and a message per field', async () => {
    const { status, body } = await anonymous.post('/public/promo-codes/check', {
      code: '',
      courseCode: 'not a code',
      priceKopecks: -1,
      email: 'ivan@example.test',
    });
    expect(status).toBe(400);
    expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'code',
      'courseCode',
      'email',
      'priceKopecks',
    ]);
  });
});

describe('rate limit', () => {
  it('answers a burst over the limit with 429 TOO_MANY_REQUESTS, whatever X-Forwarded-For claims', async () => {
    const burst = await Promise.all(
      Array.from({ length: 45 }, (_, i) =>
        anonymous.request(
          'POST',
          '/public/promo-codes/check',
          { code: 'BURST', courseCode: 'NODE-1', priceKopecks: 100 },
          { 'x-forwarded-for': `198.51.100.${i}` },
        ),
      ),
    );
    const limited = burst.filter((r) => r.status === 429);
    expect(burst.filter((r) => r.status === 200).length).toBeLessThanOrEqual(30);
    expect(limited.length).toBeGreaterThanOrEqual(15);
    expect(limited[0].body).toEqual({
      code: 'TOO_MANY_REQUESTS',
      message: expect.stringMatching(/^Too many promo code checks; try again in \d+ s$/),
      traceId: expect.any(String),
    });
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
    // Staff routes are not limited.
    expect((await admin.get('/campaigns?pageSize=1')).status).toBe(200);
  });

  it('counts each client behind the gateway on its own (the address the gateway forwards)', async () => {
    await app.listen(0, '127.0.0.1');
    const direct = new ApiClient(await app.getUrl());
    const from = (address: string) =>
      direct.request(
        'POST',
        '/public/promo-codes/check',
        { code: 'PER-CLIENT', courseCode: 'NODE-1', priceKopecks: 100 },
        { 'x-forwarded-for': address },
      );
    const first = await Promise.all(Array.from({ length: 30 }, () => from('203.0.113.10')));
    expect(first.map((r) => r.status)).toEqual(Array(30).fill(200));
    expect((await from('203.0.113.10')).status).toBe(429);
    // What a client writes in front of the gateway's own entry does not make it someone else.
    expect((await from('203.0.113.99, 203.0.113.10')).status).toBe(429);
    expect((await from('203.0.113.11')).status).toBe(200);
  });
});
