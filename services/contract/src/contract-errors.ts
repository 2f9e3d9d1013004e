import { HttpStatus } from '@nestjs/common';
import { defineErrors, type ErrorCode } from '@otus/common';

/** Applications, the client form, signing and documents: every refusal of the contract service besides the common ones (`commonErrors`), with its HTTP status. */
export const contractErrors = defineErrors({
  APPLICATION_CHANGED: HttpStatus.CONFLICT,
  APPLICATION_ENDED: HttpStatus.CONFLICT,
  APPLICATION_NOT_FOUND: HttpStatus.NOT_FOUND,
  APPLICATION_NOT_SIGNABLE: HttpStatus.CONFLICT,
  CLIENT_DATA_MISSING: HttpStatus.CONFLICT,
  CODE_EXPIRED: HttpStatus.GONE,
  CODE_INVALID: HttpStatus.UNPROCESSABLE_ENTITY,
  CODE_LIMIT_REACHED: HttpStatus.TOO_MANY_REQUESTS,
  CODE_LOCKED: HttpStatus.LOCKED,
  CODE_NOT_REQUESTED: HttpStatus.CONFLICT,
  CODE_NOT_SENT: HttpStatus.SERVICE_UNAVAILABLE,
  CODE_RESEND_TOO_SOON: HttpStatus.TOO_MANY_REQUESTS,
  CONTRACT_SIGNED: HttpStatus.CONFLICT,
  CORRECTION_LIMIT_REACHED: HttpStatus.CONFLICT,
  CORRECTION_NOT_ALLOWED: HttpStatus.CONFLICT,
  DEADLINE_OUT_OF_RANGE: HttpStatus.UNPROCESSABLE_ENTITY,
  DOCUMENT_NOT_FOUND: HttpStatus.NOT_FOUND,
  DOWNLOAD_LINK_INVALID: HttpStatus.GONE,
  FORM_CLOSED: HttpStatus.CONFLICT,
  LINK_CHECK_UNAVAILABLE: HttpStatus.SERVICE_UNAVAILABLE,
  LINK_UNKNOWN: HttpStatus.GONE,
  LINK_RENEWAL_LIMIT_REACHED: HttpStatus.TOO_MANY_REQUESTS,
  LINK_STILL_VALID: HttpStatus.CONFLICT,
  LINK_REPLACED: HttpStatus.CONFLICT,
  NOT_AWAITING_CLIENT: HttpStatus.CONFLICT,
  NOT_DECLINED: HttpStatus.NOT_FOUND,
  NOT_SIGNED: HttpStatus.CONFLICT,
  SIGNING_LOCKED: HttpStatus.LOCKED,
  SIGNING_NOT_LOCKED: HttpStatus.CONFLICT,
});
export type ContractErrorCode = ErrorCode<typeof contractErrors>;
