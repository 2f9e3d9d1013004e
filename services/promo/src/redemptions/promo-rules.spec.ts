import { Campaign, CampaignDiscountType } from '../campaigns/campaign.entity';
import { PromoCode } from '../codes/promo-code.entity';
import { createHash } from 'node:crypto';
import { assessPromo, emailHash, emailHashes, normaliseEmail } from './promo-rules';

const now = new Date('2027-03-10T12:00:00Z');
const request = { courseCode: 'NODE', priceKopecks: 100_000, now };
const noUses = { code: 0, campaign: 0, email: 0 };

function found(campaign: Partial<Campaign> = {}, code: Partial<PromoCode> = {}) {
  return {
    code: Object.assign(new PromoCode(), { code: 'SPRING', maxUses: null, ...code }),
    campaign: Object.assign(new Campaign(), {
      startsAt: new Date('2027-03-01T00:00:00Z'),
      endsAt: new Date('2027-04-01T00:00:00Z'),
      discountType: CampaignDiscountType.Percent,
      discountValue: 15,
      courseCodes: [],
      maxUses: null,
      maxUsesPerEmail: null,
      active: true,
      ...campaign,
    }),
  };
}

describe('assessPromo', () => {
  it('applies a running campaign for any course', () => {
    expect(assessPromo(found(), noUses, request)).toEqual({
      applicable: true,
      priceKopecks: 100_000,
      discountKopecks: 15_000,
      finalPriceKopecks: 85_000,
    });
  });

  it('applies a fixed discount to a listed course, open-ended', () => {
    const subject = found({ discountType: CampaignDiscountType.Fixed, discountValue: 30_000, courseCodes: ['NODE'] });
    expect(assessPromo({ ...subject, campaign: { ...subject.campaign, endsAt: null } }, noUses, request)).toMatchObject(
      { applicable: true, discountKopecks: 30_000, finalPriceKopecks: 70_000 },
    );
  });

  it.each([
    ['PROMO_INVALID', null, noUses],
    ['PROMO_INVALID', found({ active: false }), noUses],
    ['PROMO_EXPIRED', found({ startsAt: new Date('2027-03-10T12:00:01Z') }), noUses],
    ['PROMO_EXPIRED', found({ endsAt: now }), noUses],
    ['PROMO_NOT_APPLICABLE', found({ courseCodes: ['GO', 'node'] }), noUses],
    ['PROMO_EXHAUSTED', found({}, { maxUses: 1 }), { code: 1, campaign: 1, email: 0 }],
    ['PROMO_EXHAUSTED', found({ maxUses: 10 }), { code: 0, campaign: 10, email: 0 }],
    ['PROMO_EXHAUSTED', found({ maxUsesPerEmail: 1 }), { code: 0, campaign: 1, email: 1 }],
  ])('rejects with %s', (reason, subject, uses) => {
    expect(assessPromo(subject, uses, request)).toEqual({
      applicable: false,
      reason,
      priceKopecks: 100_000,
      discountKopecks: 0,
      finalPriceKopecks: 100_000,
    });
  });

  it('still has uses left just below every limit', () => {
    const subject = found({ maxUses: 10, maxUsesPerEmail: 2 }, { maxUses: 5 });
    expect(assessPromo(subject, { code: 4, campaign: 9, email: 1 }, request).applicable).toBe(true);
  });

  it('ignores the per-e-mail limit when the e-mail is not known (public check)', () => {
    expect(assessPromo(found({ maxUsesPerEmail: 1 }), { code: 5, campaign: 5 }, request).applicable).toBe(true);
  });

  it('gives nothing when nothing would be taken off', () => {
    expect(assessPromo(found(), noUses, { ...request, priceKopecks: 0 })).toMatchObject({
      applicable: false,
      reason: 'PROMO_NOT_APPLICABLE',
    });
    expect(assessPromo(found({ discountValue: 10 }), noUses, { ...request, priceKopecks: 9 })).toMatchObject({
      reason: 'PROMO_NOT_APPLICABLE',
      finalPriceKopecks: 9,
    });
  });
});

describe('emailHash', () => {
  it('is the sha256 of the trimmed lower-cased address, the same in any case', () => {
    expect(emailHash(' Ivan@Example.TEST ')).toBe(emailHash('ivan@example.test'));
    expect(emailHash('ivan@example.test')).toMatch(/^[0-9a-f]{64}$/);
    expect(emailHash('ivan@example.test')).not.toBe(emailHash('petr@example.test'));
  });

  it('is the hash of the normalised address: a +tag is no new client', () => {
    expect(emailHash('Ivan+1@Example.org')).toBe(emailHash('ivan@example.org'));
  });
});

describe('normaliseEmail', () => {
  it.each([
    [' Ivan+1@Example.org ', 'ivan@example.org'],
    ['ivan+a+b@example.org', 'ivan@example.org'],
    ['i.van@example.org', 'i.van@example.org'],
    ['I.Van+promo@GMail.com', 'ivan@gmail.com'],
    ['i.v.a.n@googlemail.com', 'ivan@gmail.com'],
    ['ivan@example.org.', 'ivan@example.org'],
    ['+tag@example.org', '+tag@example.org'],
    ['иван+1@пример.рф', 'иван@пример.рф'],
  ])('%j → %j', (given, normalised) => {
    expect(normaliseEmail(given)).toBe(normalised);
  });
});

describe('emailHashes', () => {
  it('also names the hash stored before normalisation (the lower-cased address as given)', () => {
    const legacy = createHash('sha256').update('ivan+1@example.org').digest('hex');
    expect(emailHashes(' Ivan+1@Example.org')).toEqual([emailHash('ivan@example.org'), legacy]);
    expect(emailHashes('ivan@example.org')).toEqual([emailHash('ivan@example.org')]);
  });
});
