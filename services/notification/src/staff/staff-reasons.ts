import { DECLINE_REASONS } from '@otus/common';
import type { StaffNoticeInput } from './staff-notice-input';

const LOCK_REASONS: Record<string, string> = {
  TRIES_EXHAUSTED: 'клиент исчерпал попытки ввода кода',
  CODES_EXHAUSTED: 'клиент запросил все доступные коды',
};

const CANCELLED_BY = { staff: 'сотрудник школы', crm: 'CRM' } as const;

/** The event's reason in staff's words: a code they may not know is shown as it is. */
export function staffReason(input: StaffNoticeInput, declineReasonCode?: string): string | null {
  switch (input.staffEvent) {
    case 'declined':
      return declineReasonCode
        ? (DECLINE_REASONS[declineReasonCode as keyof typeof DECLINE_REASONS] ?? declineReasonCode)
        : null;
    case 'signing-locked':
      return input.signingLockReason ? (LOCK_REASONS[input.signingLockReason] ?? input.signingLockReason) : null;
    case 'cancelled': {
      const by = input.cancelledBy ? CANCELLED_BY[input.cancelledBy] : null;
      return [input.cancelReasonCode, by && `отменил: ${by}`].filter(Boolean).join(', ') || null;
    }
    default:
      return null;
  }
}
