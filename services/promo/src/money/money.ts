/** Discounts in integer kopecks (RUB); the rules and worked examples are in docs/money.md. */

export type DiscountType = 'percent' | 'fixed';

export interface Discount {
  type: DiscountType;
  /** Percent 1..100, or kopecks > 0 for a fixed discount. */
  value: number;
}

export interface Price {
  priceKopecks: number;
  discountKopecks: number;
  finalPriceKopecks: number;
}

/** Prices are whole non-negative kopecks that PostgreSQL's integer columns can hold. */
export const MAX_KOPECKS = 2_147_483_647;

/**
 * Percent: floor(price × percent / 100), so a client never gets more than the stated share.
 * Fixed: the value, but never more than the price. The final price never drops below zero.
 */
export function applyDiscount(priceKopecks: number, discount: Discount): Price {
  assertKopecks(priceKopecks, 'price');
  assertKopecks(discount.value, 'discount value');
  if (discount.type === 'percent' && discount.value > 100) {
    throw new RangeError(`A percent discount cannot exceed 100, got ${discount.value}`);
  }
  // Integer arithmetic stays exact: price ≤ 2^31 and percent ≤ 100 keep the product far below 2^53.
  const discountKopecks =
    discount.type === 'percent'
      ? Math.floor((priceKopecks * discount.value) / 100)
      : Math.min(discount.value, priceKopecks);
  return { priceKopecks, discountKopecks, finalPriceKopecks: priceKopecks - discountKopecks };
}

/** What a client pays without a promo code. */
export function fullPrice(priceKopecks: number): Price {
  assertKopecks(priceKopecks, 'price');
  return { priceKopecks, discountKopecks: 0, finalPriceKopecks: priceKopecks };
}

function assertKopecks(value: number, what: string): void {
  if (!Number.isInteger(value) || value < 0 || value > MAX_KOPECKS) {
    throw new RangeError(`The ${what} must be whole kopecks between 0 and ${MAX_KOPECKS}, got ${value}`);
  }
}
