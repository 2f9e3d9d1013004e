import { parties, terms } from '../../../test/support/contract-samples';
import { contractTermsInput } from '../contract-terms.input';
import { checkPrintInput, courseTerms, signatureCertificate } from './contract-input';

const createdAt = new Date('2026-11-23T11:05:09.123Z');
const certificate = {
  signerName: 'Иванова Екатерина Сергеевна',
  signedAt: new Date('2026-11-23T12:41:03.456Z'),
  ip: '203.0.113.42',
  userAgent: '',
  codeSentTo: 'ivanova.e@example.org',
  draftSha256: 'a'.repeat(64),
  documentId: 'doc-1',
};

/** `field (message)` of every issue, as the printer's RangeError lists them. */
const issues = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  (result.error?.issues ?? []).map((i) => `${i.path.join('.')} (${i.message})`);

describe('contract print input', () => {
  describe('price invariants', () => {
    it.each([
      ['a discount', terms],
      ['no discount', { ...terms, discountKopecks: 0, finalPriceKopecks: terms.priceKopecks }],
      ['a free course', { ...terms, discountKopecks: terms.priceKopecks, finalPriceKopecks: 0 }],
      ['nothing at all', { ...terms, priceKopecks: 0, discountKopecks: 0, finalPriceKopecks: 0 }],
      [
        'the largest price',
        { ...terms, priceKopecks: 2_147_483_647, discountKopecks: 0, finalPriceKopecks: 2_147_483_647 },
      ],
    ])('accepts %s', (_name, price) => {
      expect(issues(courseTerms.safeParse(price))).toEqual([]);
    });

    it.each([
      [
        'a final price other than price − discount',
        { finalPriceKopecks: 1 },
        'finalPriceKopecks (must equal priceKopecks − discountKopecks)',
      ],
      [
        'a discount over the price',
        { discountKopecks: 9_900_001, finalPriceKopecks: 0 },
        'discountKopecks (must not exceed priceKopecks)',
      ],
      [
        'a negative amount',
        { discountKopecks: -1, finalPriceKopecks: 9_900_001 },
        'discountKopecks (must not be negative)',
      ],
      ['a fraction of a kopeck', { priceKopecks: 9_900_000.5 }, 'priceKopecks (must be whole kopecks)'],
      [
        'an amount beyond PostgreSQL integer',
        { priceKopecks: 2_147_483_648, discountKopecks: 0, finalPriceKopecks: 2_147_483_648 },
        'priceKopecks (must be at most 2 147 483 647 kopecks)',
      ],
      ['an amount that is not a number', { priceKopecks: '9900000' }, 'priceKopecks (must be a number of kopecks)'],
    ])('refuses %s, naming the field', (_name, change, issue) => {
      expect(issues(courseTerms.safeParse({ ...terms, ...change }))).toContain(issue);
    });

    it('holds for the worker’s input too, the same rule', () => {
      const input = { ...terms, applicationId: parties.applicationId, promoStatus: 'APPLIED' };
      expect(contractTermsInput.safeParse(input).success).toBe(true);
      expect(issues(contractTermsInput.safeParse({ ...input, finalPriceKopecks: 1 }))).toEqual([
        'finalPriceKopecks (must equal priceKopecks − discountKopecks)',
      ]);
      expect(issues(contractTermsInput.safeParse({ ...input, discountKopecks: 1e7, finalPriceKopecks: 0 }))).toEqual([
        'discountKopecks (must not exceed priceKopecks)',
      ]);
    });
  });

  it('needs the trail and its chain head together', () => {
    expect(issues(signatureCertificate.safeParse({ ...certificate, chainHead: 'b'.repeat(64) }))).toEqual([
      'events (required with chainHead)',
    ]);
    expect(issues(signatureCertificate.safeParse({ ...certificate, events: [] }))).toEqual([
      'chainHead (required with events)',
    ]);
    expect(signatureCertificate.safeParse({ ...certificate, events: [], chainHead: 'B'.repeat(64) }).success).toBe(
      true,
    );
  });

  it('throws a RangeError naming every bad field and none of the values', () => {
    const bad = () =>
      checkPrintInput(
        { ...parties, passportNumber: '12345', birthDate: '1992-02-30', fullName: ' ' },
        { ...terms, finalPriceKopecks: 1 },
        new Date(NaN),
        { ...certificate, draftSha256: 'xyz' },
      );
    expect(bad).toThrow(RangeError);
    expect(bad).toThrow(
      'Cannot print the contract, invalid: fullName (must not be empty), birthDate (must be a YYYY-MM-DD calendar date), ' +
        'passportNumber (must be 6 digits), finalPriceKopecks (must equal priceKopecks − discountKopecks), ' +
        'createdAt (must be a valid date), draftSha256 (must be 64 hex digits)',
    );
    expect(bad).not.toThrow(/12345|1992|xyz/);
    expect(() => checkPrintInput(parties, terms, createdAt, certificate)).not.toThrow();
  });
});
