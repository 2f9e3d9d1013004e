import { HttpStatus } from '@nestjs/common';
import { defineErrors, type ErrorCode } from '@otus/common';

/** E-mails, webhooks and the delivery log: every refusal of the notification service besides the common ones (`commonErrors`), with its HTTP status. */
export const notificationErrors = defineErrors({
  DELIVERY_IN_PROGRESS: HttpStatus.CONFLICT,
  DELIVERY_NOT_FOUND: HttpStatus.NOT_FOUND,
  EMAIL_NOT_SENT: HttpStatus.SERVICE_UNAVAILABLE,
  MESSAGE_ID_REUSED: HttpStatus.CONFLICT,
  NOT_RESENDABLE: HttpStatus.CONFLICT,
  WEBHOOK_ENDPOINT_EXISTS: HttpStatus.CONFLICT,
  WEBHOOK_ENDPOINT_MISSING: HttpStatus.CONFLICT,
  WEBHOOK_ENDPOINT_NOT_FOUND: HttpStatus.NOT_FOUND,
  WEBHOOK_URL_NOT_ALLOWED: HttpStatus.CONFLICT,
});
export type NotificationErrorCode = ErrorCode<typeof notificationErrors>;
