import { randomUUID } from 'node:crypto';
import { createServiceModule, type ServiceTestModule } from '@otus/testing';
import { CampaignDiscountType } from '../src/campaigns/campaign.entity';
import { CampaignService } from '../src/campaigns/campaign.service';
import { CampaignsModule } from '../src/campaigns/campaigns.module';
import type { CreateCampaignDto } from '../src/campaigns/dto/campaign.dto';
import { CodeService } from '../src/codes/code.service';
import { CodesModule } from '../src/codes/codes.module';
import { promoEnv } from '../src/config';
import { migrations } from '../src/migrations';
import { type PromoOutcome, RedemptionService, type ReserveRequest } from '../src/redemptions/redemption.service';

/**
 * Promo code uses on a database of their own (one for the file: every test has its own
 * campaign), without the engine: reserve, redeem and release, and the limits under parallel
 * reservations — the campaign and code row locks are what keep the last use for one application.
 * (redemptions.e2e-spec.ts drives the same through the engine's tasks.)
 */
const DAY = 86_400_000;
const PRICE = 100_000;
let service: ServiceTestModule;
let redemptions: RedemptionService;

beforeAll(async () => {
  service = await createServiceModule({
    label: 'promo-redemptions',
    env: promoEnv,
    postgres: { urlVariable: 'PROMO_DB_URL', migrations },
    imports: [CampaignsModule, CodesModule],
  });
  redemptions = service.get(RedemptionService);
});
afterAll(() => service?.close());

/** A running 10 % campaign with one code per entry of `codes` (its max uses). */
async function newCampaign(overrides: Partial<CreateCampaignDto> = {}, codes: (number | null)[] = [null]) {
  const campaign = await service.get(CampaignService).create({
    name: 'Service test',
    startsAt: new Date(Date.now() - DAY).toISOString(),
    discountType: CampaignDiscountType.Percent,
    discountValue: 10,
    ...overrides,
  });
  const created = [];
  for (const maxUses of codes) {
    created.push(
      await service.get(CodeService).create(campaign.id, { code: `T-${randomUUID().slice(0, 8)}`, maxUses }),
    );
  }
  return { campaign, codes: created.map((c) => c.code) };
}

const request = (promoCode: string, overrides: Partial<ReserveRequest> = {}): ReserveRequest => ({
  applicationId: randomUUID(),
  promoCode,
  courseCode: 'NODEJS-2027-01',
  priceKopecks: PRICE,
  clientEmail: `client-${randomUUID().slice(0, 8)}@example.org`,
  ...overrides,
});
const statusesOf = (outcomes: PromoOutcome[]) => outcomes.map((o) => o.promoStatus);
const count = (statuses: string[], status: string) => statuses.filter((s) => s === status).length;
const rowOf = async (applicationId: string) =>
  (
    (await service.db.query('SELECT status, final_price_kopecks FROM redemptions WHERE application_id = $1', [
      applicationId,
    ])) as { status: string; final_price_kopecks: number }[]
  )[0];

it('reserves a use at the price of the moment, redeems it once, and answers a repeat from the reservation', async () => {
  const { campaign, codes } = await newCampaign();
  const req = request(` ${codes[0].toLowerCase()} `);
  const applied = { promoStatus: 'APPLIED', discountKopecks: 10_000, finalPriceKopecks: 90_000 };
  expect(await redemptions.reserve(req)).toEqual(applied);
  // The campaign changes before the task is delivered again: the price stays as reserved.
  await service.get(CampaignService).update(campaign.id, { discountValue: 50 });
  expect(await redemptions.reserve(req)).toEqual(applied);
  await redemptions.redeem(req.applicationId);
  await redemptions.redeem(req.applicationId);
  expect(await rowOf(req.applicationId)).toEqual({ status: 'redeemed', final_price_kopecks: 90_000 });
  expect(await redemptions.counts('campaign', [campaign.id])).toEqual(
    new Map([[campaign.id, { reserved: 0, redeemed: 1 }]]),
  );
});

it('gives a released use back to the code, and refuses the released application another', async () => {
  const { campaign, codes } = await newCampaign({}, [1]);
  const first = request(codes[0]);
  const second = request(codes[0]);
  expect((await redemptions.reserve(first)).promoStatus).toBe('APPLIED');
  expect(await redemptions.reserve(second)).toEqual({
    promoStatus: 'PROMO_EXHAUSTED',
    discountKopecks: 0,
    finalPriceKopecks: PRICE,
  });
  expect((await redemptions.release(first.applicationId))?.status).toBe('released');
  expect((await redemptions.reserve(request(codes[0], { applicationId: second.applicationId }))).promoStatus).toBe(
    'APPLIED',
  );
  await expect(redemptions.reserve(first)).rejects.toMatchObject({ code: 'PROMO_RESERVATION_RELEASED' });
  await expect(redemptions.redeem(first.applicationId)).rejects.toMatchObject({ code: 'PROMO_RESERVATION_RELEASED' });
  // A redeemed use is given back too (compensation after the signature).
  await redemptions.redeem(second.applicationId);
  await redemptions.release(second.applicationId);
  expect(await redemptions.counts('campaign', [campaign.id])).toEqual(
    new Map([[campaign.id, { reserved: 0, redeemed: 0 }]]),
  );
  expect(await redemptions.release(randomUUID())).toBeNull();
  expect(await redemptions.redeem(randomUUID())).toBeNull();
});

it('a code with 3 uses and 20 parallel applications: exactly 3 applied, 17 at full price', async () => {
  const { codes } = await newCampaign({}, [3]);
  const outcomes = await Promise.all(Array.from({ length: 20 }, () => redemptions.reserve(request(codes[0]))));
  const statuses = statusesOf(outcomes);
  expect(count(statuses, 'APPLIED')).toBe(3);
  expect(count(statuses, 'PROMO_EXHAUSTED')).toBe(17);
  expect(outcomes.filter((o) => o.promoStatus === 'PROMO_EXHAUSTED').every((o) => o.finalPriceKopecks === PRICE)).toBe(
    true,
  );
});

it('a campaign of 4 uses over two unlimited codes, 20 parallel applications on both: exactly 4 applied', async () => {
  const { campaign, codes } = await newCampaign({ maxUses: 4 }, [null, null]);
  const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => redemptions.reserve(request(codes[i % 2]))));
  expect(count(statusesOf(outcomes), 'APPLIED')).toBe(4);
  expect(await redemptions.counts('campaign', [campaign.id])).toEqual(
    new Map([[campaign.id, { reserved: 4, redeemed: 0 }]]),
  );
});

it('one use per mailbox, however the address is spelt, even when its applications race', async () => {
  const { codes } = await newCampaign({ maxUsesPerEmail: 1 }, [null]);
  const spellings = [
    'ivan.petrov@gmail.com',
    'Ivan.Petrov+promo@Gmail.com',
    'ivanpetrov@googlemail.com',
    ' IVANPETROV@gmail.com',
  ];
  const outcomes = await Promise.all(
    spellings.flatMap((clientEmail) => [1, 2].map(() => redemptions.reserve(request(codes[0], { clientEmail })))),
  );
  expect(count(statusesOf(outcomes), 'APPLIED')).toBe(1);
  expect(count(statusesOf(outcomes), 'PROMO_EXHAUSTED')).toBe(7);
  // Another client still gets it.
  expect((await redemptions.reserve(request(codes[0]))).promoStatus).toBe('APPLIED');
});

it('answers a code it cannot use with the reason, at full price, and reserves nothing', async () => {
  const future = await newCampaign({ startsAt: new Date(Date.now() + DAY).toISOString() });
  const otherCourse = await newCampaign({ courseCodes: ['OTHER-COURSE'] });
  const inactive = await newCampaign({ active: false });
  const cases: [string, string][] = [
    [future.codes[0], 'PROMO_EXPIRED'],
    [otherCourse.codes[0], 'PROMO_NOT_APPLICABLE'],
    [inactive.codes[0], 'PROMO_INVALID'],
    ['NO-SUCH-CODE', 'PROMO_INVALID'],
    ['not a code!', 'PROMO_INVALID'],
  ];
  for (const [code, reason] of cases) {
    const req = request(code);
    expect(await redemptions.reserve(req)).toEqual({
      promoStatus: reason,
      discountKopecks: 0,
      finalPriceKopecks: PRICE,
    });
    expect(await rowOf(req.applicationId)).toBeUndefined();
  }
  expect(await redemptions.reserve(request('  ', { priceKopecks: 5_000 }))).toEqual({
    promoStatus: 'NONE',
    discountKopecks: 0,
    finalPriceKopecks: 5_000,
  });
});
