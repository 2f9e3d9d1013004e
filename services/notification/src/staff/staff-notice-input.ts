import { z } from 'zod';

/** What staff hear of, one e-mail per event or a line in the day's digest. */
export const STAFF_EVENTS = ['concluded', 'declined', 'signing-locked', 'cancelled'] as const;
export type StaffEvent = (typeof STAFF_EVENTS)[number];

const id = z.string().trim().min(1).max(128);
const code = z.string().trim().min(1).max(64);

/**
 * Variables of `notification.staff-notice`: the local input `staffEvent` and the application's
 * ids; the reason where the event has one. No client data: staff open the application for that.
 */
export const staffNoticeInput = z.object({
  staffEvent: z.enum(STAFF_EVENTS),
  applicationId: id,
  crmApplicationId: id.nullish(),
  courseCode: code,
  signingLockReason: code.nullish(),
  cancelReasonCode: code.nullish(),
  cancelledBy: z.enum(['staff', 'crm']).nullish(),
});
export type StaffNoticeInput = z.infer<typeof staffNoticeInput>;
