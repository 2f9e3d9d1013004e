import { z } from 'zod';
import { kopecks, priceInvariants } from './pdf/contract-input';

/**
 * The course and price snapshot both contract topics read: locked at draft time by promo.validate.
 * The price must add up (price = discount + final price) before anything is printed.
 */
export const contractTermsInput = z
  .object({
    applicationId: z.string().min(1).max(64),
    courseCode: z.string().min(1),
    courseTitle: z.string().min(1),
    courseStartDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    priceKopecks: kopecks,
    discountKopecks: kopecks,
    finalPriceKopecks: kopecks,
    promoStatus: z.string().nullish(),
    promoCode: z.string().nullish(),
  })
  .superRefine(priceInvariants);
export type ContractTermsInput = z.infer<typeof contractTermsInput>;
