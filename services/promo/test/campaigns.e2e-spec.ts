import { randomUUID } from 'node:crypto';
import { ApiClient, stackEnv, craftedToken, staffToken } from '@otus/testing';
import { DataSource } from 'typeorm';
import { entities } from '../src/data-source';
import { RedemptionStatus } from '../src/redemptions/redemption.entity';

/** The promo admin API through the real gateway, as an administrator and an operator see it. */
const env = stackEnv();
const anonymous = new ApiClient(`${env.GATEWAY_URL}/api/promo`);
const db = new DataSource({ type: 'postgres', url: env.PROMO_DB_URL, entities });
let admin: ApiClient;
let operator: ApiClient;

const DAY = 86_400_000;
const iso = (days: number) => new Date(Date.now() + days * DAY).toISOString();
const newCampaign = (overrides: Record<string, unknown> = {}) => ({
  name: `Весна ${randomUUID().slice(0, 8)}`,
  startsAt: iso(-1),
  endsAt: iso(30),
  discountType: 'percent',
  discountValue: 15,
  ...overrides,
});
const uniqueCode = (prefix = 'T') => `${prefix}-${randomUUID().slice(0, 8)}`;

async function createCampaign(overrides: Record<string, unknown> = {}) {
  const { status, body } = await admin.post('/campaigns', newCampaign(overrides));
  expect(status).toBe(201);
  return body as { id: string; name: string };
}

async function createCode(campaignId: string, body: Record<string, unknown> = {}) {
  const created = await admin.post(`/campaigns/${campaignId}/codes`, { code: uniqueCode(), ...body });
  expect(created.status).toBe(201);
  return created.body as { id: string; code: string };
}

/** A use as the worker stores it; the admin API never creates them. */
async function saveUse(code: { id: string }, campaignId: string, status: RedemptionStatus) {
  await db.query(
    `INSERT INTO redemptions (application_id, code_id, campaign_id, email_hash, status, price_kopecks, discount_kopecks, final_price_kopecks)
     VALUES ($1, $2, $3, $4, $5, 1000, 150, 850)`,
    [randomUUID(), code.id, campaignId, 'a'.repeat(64), status],
  );
}

beforeAll(async () => {
  admin = anonymous.withToken(await staffToken({ roles: ['admin'] }));
  operator = anonymous.withToken(await staffToken({ roles: ['operator'] }));
  await db.initialize();
});
afterAll(() => db.destroy());

describe('access', () => {
  it('refuses requests without a token, or with a forged one, with 401', async () => {
    const { status, body } = await anonymous.get('/campaigns');
    expect(status).toBe(401);
    expect(body).toMatchObject({ code: 'UNAUTHENTICATED', traceId: expect.any(String) });
    expect((await anonymous.withToken(await craftedToken({ forged: true })).get('/campaigns')).status).toBe(401);
    expect((await anonymous.get(`/codes/${randomUUID()}`)).status).toBe(401);
    expect((await anonymous.post(`/campaigns/${randomUUID()}/codes/generate`, { count: 1, length: 8 })).status).toBe(
      401,
    );
  });

  it('lets an operator read campaigns and codes but change nothing (403)', async () => {
    const campaign = await createCampaign();
    const code = await createCode(campaign.id);
    expect((await operator.get('/campaigns')).status).toBe(200);
    expect((await operator.get(`/campaigns/${campaign.id}`)).status).toBe(200);
    expect((await operator.get(`/campaigns/${campaign.id}/codes`)).status).toBe(200);
    expect((await operator.get(`/codes/${code.id}`)).status).toBe(200);
    const writes = await Promise.all([
      operator.post('/campaigns', newCampaign()),
      operator.patch(`/campaigns/${campaign.id}`, { name: 'Осень' }),
      operator.delete(`/campaigns/${campaign.id}`),
      operator.post(`/campaigns/${campaign.id}/codes`, { code: uniqueCode() }),
      operator.post(`/campaigns/${campaign.id}/codes/generate`, { count: 1, length: 8 }),
      operator.patch(`/codes/${code.id}`, { maxUses: 3 }),
      operator.delete(`/codes/${code.id}`),
    ]);
    expect(writes.map((w) => [w.status, w.body.code])).toEqual(Array(7).fill([403, 'FORBIDDEN']));
  });
});

describe('campaigns', () => {
  it('creates, reads, updates and deletes a campaign', async () => {
    const dto = newCampaign({ courseCodes: ['NODE-1', 'GO-1', 'NODE-1'], maxUsesPerEmail: 1 });
    const created = await admin.post('/campaigns', dto);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      name: dto.name,
      startsAt: dto.startsAt,
      endsAt: dto.endsAt,
      discountType: 'percent',
      discountValue: 15,
      courseCodes: ['NODE-1', 'GO-1'],
      maxUses: null,
      maxUsesPerEmail: 1,
      active: true,
      reservedUses: 0,
      redeemedUses: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const { id } = created.body;
    expect((await admin.get(`/campaigns/${id}`)).body).toEqual(created.body);

    const updated = await admin.patch(`/campaigns/${id}`, {
      endsAt: null,
      discountType: 'fixed',
      discountValue: 500_000,
      maxUses: 100,
      maxUsesPerEmail: null,
      active: false,
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: dto.name,
      endsAt: null,
      discountType: 'fixed',
      discountValue: 500_000,
      maxUses: 100,
      maxUsesPerEmail: null,
      active: false,
    });

    expect((await admin.delete(`/campaigns/${id}`)).status).toBe(204);
    expect((await admin.get(`/campaigns/${id}`)).body.code).toBe('PROMO_CAMPAIGN_NOT_FOUND');
  });

  it('rejects invalid fields with 400 and a message per field', async () => {
    const { status, body } = await admin.post('/campaigns', {
      name: '',
      startsAt: 'tomorrow',
      endsAt: '01.04.2027',
      discountType: 'gift',
      discountValue: 0,
      courseCodes: ['ok-code', 'not ok'],
      maxUses: 0,
      maxUsesPerEmail: 1.5,
      active: 'yes',
    });
    expect(status).toBe(400);
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'active',
      'courseCodes',
      'discountType',
      'discountValue',
      'endsAt',
      'maxUses',
      'maxUsesPerEmail',
      'name',
      'startsAt',
    ]);
  });

  it('rejects unknown fields, a period that ends before it starts, and more than 100 %', async () => {
    expect((await admin.post('/campaigns', { ...newCampaign(), budget: 5 })).status).toBe(400);
    // One instant for both: two clock reads a millisecond apart would make a valid period.
    const instant = iso(10);
    const backwards = await admin.post('/campaigns', newCampaign({ startsAt: instant, endsAt: instant }));
    expect(backwards.status).toBe(400);
    expect(backwards.body.details).toEqual([{ field: 'endsAt', errors: ['endsAt must be after startsAt'] }]);
    const greedy = await admin.post('/campaigns', newCampaign({ discountValue: 150 }));
    expect(greedy.status).toBe(400);
    expect(greedy.body.details).toEqual([{ field: 'discountValue', errors: [expect.stringMatching(/100/)] }]);
    // 150 000 kopecks is a fine fixed discount.
    expect(
      (await admin.post('/campaigns', newCampaign({ discountType: 'fixed', discountValue: 150_000 }))).status,
    ).toBe(201);
  });

  it('checks the campaign as it would be after a change', async () => {
    const fixed = await createCampaign({ discountType: 'fixed', discountValue: 500_000 });
    const toPercent = await admin.patch(`/campaigns/${fixed.id}`, { discountType: 'percent' });
    expect(toPercent.status).toBe(400);
    expect(toPercent.body.details[0].field).toBe('discountValue');
    const early = await admin.patch(`/campaigns/${fixed.id}`, { endsAt: iso(-2) });
    expect(early.body.details).toEqual([{ field: 'endsAt', errors: ['endsAt must be after startsAt'] }]);
    const nulls = await admin.patch(`/campaigns/${fixed.id}`, { name: null, startsAt: null, discountValue: null });
    expect(nulls.status).toBe(400);
    expect(nulls.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'discountValue',
      'name',
      'startsAt',
    ]);
    expect((await admin.get(`/campaigns/${fixed.id}`)).body).toMatchObject({ discountType: 'fixed', name: fixed.name });
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await admin.get(`/campaigns/${randomUUID()}`)).status).toBe(404);
    expect((await admin.patch(`/campaigns/${randomUUID()}`, { name: 'Ничего' })).status).toBe(404);
    expect((await admin.delete(`/campaigns/${randomUUID()}`)).body.code).toBe('PROMO_CAMPAIGN_NOT_FOUND');
    expect((await admin.get('/campaigns/not-a-uuid')).status).toBe(400);
  });

  it('lists with pagination and filters by activity, name and course', async () => {
    const tag = randomUUID().slice(0, 6);
    const made = [
      await createCampaign({ name: `L ${tag} 0`, startsAt: iso(-3), courseCodes: ['C1'] }),
      await createCampaign({ name: `L ${tag} 1`, startsAt: iso(-2) }),
      await createCampaign({ name: `L ${tag} 2`, startsAt: iso(-1), courseCodes: ['C2'] }),
      await createCampaign({ name: `L ${tag} 3`, startsAt: iso(-1), active: false }),
    ];
    const page1 = await admin.get(`/campaigns?q=${tag}&active=true&pageSize=2&page=1`);
    expect(page1.body).toMatchObject({ total: 3, page: 1, pageSize: 2 });
    // Newest start first.
    expect(page1.body.items.map((c: { id: string }) => c.id)).toEqual([made[2].id, made[1].id]);
    const page2 = await admin.get(`/campaigns?q=${tag}&active=true&pageSize=2&page=2`);
    expect(page2.body.items.map((c: { id: string }) => c.id)).toEqual([made[0].id]);
    expect((await admin.get(`/campaigns?q=${tag}&active=false`)).body.items.map((c: { id: string }) => c.id)).toEqual([
      made[3].id,
    ]);
    // A course sees the campaigns for it and those for every course.
    const forC1 = await admin.get(`/campaigns?q=${tag}&courseCode=C1`);
    expect(forC1.body.items.map((c: { name: string }) => c.name).sort()).toEqual([
      `L ${tag} 0`,
      `L ${tag} 1`,
      `L ${tag} 3`,
    ]);
    expect((await admin.get(`/campaigns?q=L%20${tag.toUpperCase()}`)).body.total).toBe(4);
    expect((await admin.get('/campaigns?pageSize=1000')).status).toBe(400);
    expect((await admin.get('/campaigns?active=maybe')).status).toBe(400);
    expect((await admin.get('/campaigns?courseCode=not%20a%20code')).status).toBe(400);
    expect((await admin.get('/campaigns?sort=name')).status).toBe(400);
  });

  it('refuses to delete a campaign whose codes were used (409), and deletes an unused one with its codes', async () => {
    const used = await createCampaign();
    await saveUse(await createCode(used.id), used.id, RedemptionStatus.Released);
    const refused = await admin.delete(`/campaigns/${used.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PROMO_CAMPAIGN_HAS_REDEMPTIONS');
    expect((await admin.get(`/campaigns/${used.id}`)).status).toBe(200);

    const unused = await createCampaign();
    const code = await createCode(unused.id);
    expect((await admin.delete(`/campaigns/${unused.id}`)).status).toBe(204);
    expect((await admin.get(`/codes/${code.id}`)).status).toBe(404);
  });

  it('counts reserved and redeemed uses, not released ones', async () => {
    const campaign = await createCampaign();
    const code = await createCode(campaign.id, { maxUses: 10 });
    for (const status of [
      RedemptionStatus.Reserved,
      RedemptionStatus.Redeemed,
      RedemptionStatus.Redeemed,
      RedemptionStatus.Released,
    ]) {
      await saveUse(code, campaign.id, status);
    }
    expect((await admin.get(`/campaigns/${campaign.id}`)).body).toMatchObject({ reservedUses: 1, redeemedUses: 2 });
    expect((await admin.get(`/codes/${code.id}`)).body).toMatchObject({ reservedUses: 1, redeemedUses: 2 });
  });
});

describe('codes', () => {
  it('creates a code upper-cased, reads, changes, lists and deletes it', async () => {
    const campaign = await createCampaign();
    const text = uniqueCode('spring');
    const created = await admin.post(`/campaigns/${campaign.id}/codes`, { code: text, maxUses: 1 });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      id: expect.any(String),
      campaignId: campaign.id,
      code: text.toUpperCase(),
      maxUses: 1,
      reservedUses: 0,
      redeemedUses: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const { id } = created.body;
    expect((await admin.get(`/codes/${id}`)).body).toEqual(created.body);

    const unlimited = await admin.patch(`/codes/${id}`, { maxUses: null });
    expect(unlimited.body).toMatchObject({ code: text.toUpperCase(), maxUses: null });
    const renamed = await admin.patch(`/codes/${id}`, { code: `${text}-b` });
    expect(renamed.body.code).toBe(`${text.toUpperCase()}-B`);

    const other = await createCode(campaign.id, { code: uniqueCode('autumn') });
    const list = await admin.get(`/campaigns/${campaign.id}/codes`);
    expect(list.body).toMatchObject({ total: 2, page: 1, pageSize: 20 });
    const found = await admin.get(`/campaigns/${campaign.id}/codes?q=${text.slice(-4).toLowerCase()}`);
    expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([id]);
    expect((await admin.get(`/campaigns/${campaign.id}/codes?pageSize=1&page=2`)).body.items).toEqual([
      expect.objectContaining({ id: other.id }),
    ]);

    expect((await admin.delete(`/codes/${id}`)).status).toBe(204);
    expect((await admin.get(`/codes/${id}`)).body.code).toBe('PROMO_CODE_NOT_FOUND');
  });

  it('answers 409 PROMO_CODE_TAKEN for a code that exists in any case, on create and on rename', async () => {
    const campaign = await createCampaign();
    const first = await createCode(campaign.id);
    const elsewhere = await createCampaign();
    const clash = await admin.post(`/campaigns/${elsewhere.id}/codes`, { code: first.code.toLowerCase() });
    expect(clash.status).toBe(409);
    expect(clash.body.code).toBe('PROMO_CODE_TAKEN');
    const second = await createCode(campaign.id);
    const rename = await admin.patch(`/codes/${second.id}`, { code: first.code.toLowerCase() });
    expect(rename.status).toBe(409);
    expect(rename.body.code).toBe('PROMO_CODE_TAKEN');
  });

  it('rejects bad codes and limits with 400, and unknown campaigns and codes with 404', async () => {
    const campaign = await createCampaign();
    const bad = await admin.post(`/campaigns/${campaign.id}/codes`, { code: 'ПРОМО код', maxUses: 0, extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual(['code', 'extra', 'maxUses']);
    expect((await admin.patch(`/codes/${(await createCode(campaign.id)).id}`, { code: null })).status).toBe(400);
    const missing = await admin.post(`/campaigns/${randomUUID()}/codes`, { code: uniqueCode() });
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe('PROMO_CAMPAIGN_NOT_FOUND');
    expect((await admin.get(`/campaigns/${randomUUID()}/codes`)).status).toBe(404);
    expect((await admin.post(`/campaigns/${randomUUID()}/codes/generate`, { count: 1, length: 8 })).status).toBe(404);
    expect((await admin.patch(`/codes/${randomUUID()}`, { maxUses: 2 })).status).toBe(404);
    expect((await admin.delete(`/codes/${randomUUID()}`)).status).toBe(404);
    expect((await admin.get('/codes/nope')).status).toBe(400);
  });

  it('refuses to delete a code that was used (409)', async () => {
    const campaign = await createCampaign();
    const code = await createCode(campaign.id);
    await saveUse(code, campaign.id, RedemptionStatus.Redeemed);
    const refused = await admin.delete(`/codes/${code.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('PROMO_CODE_HAS_REDEMPTIONS');
  });

  it('generates unique random codes without look-alikes, single-use unless told otherwise', async () => {
    const campaign = await createCampaign();
    const prefix = `G${randomUUID().slice(0, 6)}`;
    const generated = await admin.post(`/campaigns/${campaign.id}/codes/generate`, { count: 300, prefix, length: 6 });
    expect(generated.status).toBe(201);
    const codes: { code: string; maxUses: number | null }[] = generated.body;
    expect(codes).toHaveLength(300);
    expect(new Set(codes.map((c) => c.code)).size).toBe(300);
    const shape = new RegExp(`^${prefix.toUpperCase()}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$`);
    for (const c of codes) {
      expect(c.code).toMatch(shape);
      expect(c.maxUses).toBe(1);
    }
    const unlimited = await admin.post(`/campaigns/${campaign.id}/codes/generate`, {
      count: 2,
      length: 16,
      maxUses: null,
    });
    expect(unlimited.body.map((c: { code: string; maxUses: null }) => [c.code.length, c.maxUses])).toEqual([
      [16, null],
      [16, null],
    ]);
    expect((await admin.get(`/campaigns/${campaign.id}/codes?pageSize=1`)).body.total).toBe(302);
  });

  it('rejects a generation request out of bounds, naming each field', async () => {
    const campaign = await createCampaign();
    const { status, body } = await admin.post(`/campaigns/${campaign.id}/codes/generate`, {
      count: 1001,
      prefix: 'NOT-OK',
      length: 5,
      maxUses: 0,
    });
    expect(status).toBe(400);
    expect(body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'count',
      'length',
      'maxUses',
      'prefix',
    ]);
    expect((await admin.post(`/campaigns/${campaign.id}/codes/generate`, { count: 1, length: 17 })).status).toBe(400);
    expect((await admin.post(`/campaigns/${campaign.id}/codes/generate`, { count: 0, length: 8 })).status).toBe(400);
  });
});
