import { applyDiscount, fullPrice, MAX_KOPECKS } from './money';

describe('applyDiscount', () => {
  it.each([
    // price, percent, discount, final
    [9_900_000, 10, 990_000, 8_910_000],
    [9_999, 15, 1_499, 8_500], // 1 499.85 → 1 499: rounded down, never up
    [1, 50, 0, 1],
    [199, 50, 99, 100],
    [9_900_000, 100, 9_900_000, 0],
    [0, 30, 0, 0],
    [MAX_KOPECKS, 100, MAX_KOPECKS, 0],
    [MAX_KOPECKS, 33, 708_669_603, 1_438_814_044],
  ])('%i kopecks with %i%% off: %i off, %i to pay', (price, percent, discount, final) => {
    expect(applyDiscount(price, { type: 'percent', value: percent })).toEqual({
      priceKopecks: price,
      discountKopecks: discount,
      finalPriceKopecks: final,
    });
  });

  it.each([
    // price, fixed, discount, final
    [9_900_000, 500_000, 500_000, 9_400_000],
    [300_000, 500_000, 300_000, 0], // never below zero
    [500_000, 500_000, 500_000, 0],
    [0, 100, 0, 0],
  ])('%i kopecks with %i kopecks off: %i off, %i to pay', (price, value, discount, final) => {
    expect(applyDiscount(price, { type: 'fixed', value })).toEqual({
      priceKopecks: price,
      discountKopecks: discount,
      finalPriceKopecks: final,
    });
  });

  it('keeps price = discount + final for every percent', () => {
    for (let percent = 1; percent <= 100; percent++) {
      const { discountKopecks, finalPriceKopecks } = applyDiscount(1_234_567, { type: 'percent', value: percent });
      expect(discountKopecks + finalPriceKopecks).toBe(1_234_567);
      expect(discountKopecks).toBeLessThanOrEqual((1_234_567 * percent) / 100);
    }
  });

  it.each([
    [-1, { type: 'fixed', value: 100 }],
    [10.5, { type: 'fixed', value: 100 }],
    [MAX_KOPECKS + 1, { type: 'fixed', value: 100 }],
    [1000, { type: 'fixed', value: 0.5 }],
    [1000, { type: 'percent', value: 101 }],
  ] as const)('refuses %p with %p', (price, discount) => {
    expect(() => applyDiscount(price, discount)).toThrow(RangeError);
  });
});

describe('fullPrice', () => {
  it('is the price with nothing off', () => {
    expect(fullPrice(9_900_000)).toEqual({ priceKopecks: 9_900_000, discountKopecks: 0, finalPriceKopecks: 9_900_000 });
  });
});
