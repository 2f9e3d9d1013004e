import { HttpStatus } from '@nestjs/common';
import { defineErrors, type ErrorCode } from '@otus/common';

/** Staff accounts, sign-in, API clients and client links: every refusal of the user service besides the common ones (`commonErrors`), with its HTTP status. */
export const userErrors = defineErrors({
  API_CLIENT_NOT_FOUND: HttpStatus.NOT_FOUND,
  ENGINE_ADMIN_REQUIRED: HttpStatus.FORBIDDEN,
  INVALID_CREDENTIALS: HttpStatus.UNAUTHORIZED,
  INVALID_REFRESH_TOKEN: HttpStatus.UNAUTHORIZED,
  LAST_ADMIN: HttpStatus.CONFLICT,
  LINK_INVALID: HttpStatus.GONE,
  LOGIN_LOCKED: HttpStatus.TOO_MANY_REQUESTS,
  PASSWORD_CHANGE_REQUIRED: HttpStatus.FORBIDDEN,
  PASSWORD_UNCHANGED: HttpStatus.BAD_REQUEST,
  USER_EMAIL_TAKEN: HttpStatus.CONFLICT,
  USER_NOT_FOUND: HttpStatus.NOT_FOUND,
});
export type UserErrorCode = ErrorCode<typeof userErrors>;
