import { HttpStatus } from '@nestjs/common';
import { defineErrors, type ErrorCode } from '@otus/common';

/** Campaigns, codes and redemptions: every refusal of the promo service besides the common ones (`commonErrors`), with its HTTP status. */
export const promoErrors = defineErrors({
  PROMO_CAMPAIGN_HAS_REDEMPTIONS: HttpStatus.CONFLICT,
  PROMO_CAMPAIGN_NOT_FOUND: HttpStatus.NOT_FOUND,
  PROMO_CODE_HAS_REDEMPTIONS: HttpStatus.CONFLICT,
  PROMO_CODE_NOT_FOUND: HttpStatus.NOT_FOUND,
  PROMO_CODE_SPACE_CROWDED: HttpStatus.CONFLICT,
  PROMO_CODE_TAKEN: HttpStatus.CONFLICT,
  PROMO_RESERVATION_RELEASED: HttpStatus.CONFLICT,
});
export type PromoErrorCode = ErrorCode<typeof promoErrors>;
