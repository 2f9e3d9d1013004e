import type { EmailSecrets, EmailVariables } from './email-variables';

/** How a staff notice names its event (subject and digest lines). */
const STAFF_EVENT_LABELS: Record<string, string> = {
  concluded: 'Договор заключён',
  declined: 'Клиент отказался от договора',
  'signing-locked': 'Подписание приостановлено',
  cancelled: 'Заявка отменена',
};
import { longDate, longDateTimeWithZone, rubles } from '@otus/common';

/**
 * What the templates see. Every key is always present (null when a template has no use
 * for it), because templates compile in strict mode: a typo in a template fails loudly.
 */
export function emailView(vars: EmailVariables, secrets: EmailSecrets, timeZone: string) {
  const money = (kopecks?: number) => (kopecks === undefined ? null : rubles(kopecks));
  const at = (iso?: string | null) => (iso ? longDateTimeWithZone(new Date(iso), timeZone) : null);
  return {
    clientName: vars.clientName,
    courseTitle: vars.courseTitle ?? null,
    courseStartDate: vars.courseStartDate ? longDate(vars.courseStartDate) : null,
    price: money(vars.priceKopecks),
    discount: vars.discountKopecks ? rubles(vars.discountKopecks) : null,
    finalPrice: money(vars.finalPriceKopecks),
    promoStatus: vars.promoStatus ?? null,
    rejectReason: vars.rejectReason ?? null,
    link: secrets.link ?? null,
    linkExpiresAt: at(vars.linkExpiresAt),
    linkReissued: vars.linkReissued === true,
    signDeadline: at(vars.signDeadline),
    // Only the text is shown: the code is for the CRM and the delivery log.
    cancelReasonText: vars.cancelReasonText?.trim() || null,
    deadlineKind: vars.deadlineKind ?? null,
    newDeadline: at(vars.newDeadline),
    deadlineChange: vars.deadlineChange ?? null,
    unavailableReason: vars.unavailableReason ?? null,
    signingCode: secrets.signingCode ?? null,
    codeExpiresAt: at(vars.expiresAt),
    staffEvent: vars.staffEvent ?? null,
    staffEventLabel: vars.staffEvent ? (STAFF_EVENT_LABELS[vars.staffEvent] ?? vars.staffEvent) : null,
    applicationId: vars.applicationId ?? null,
    crmApplicationId: vars.crmApplicationId ?? null,
    courseCode: vars.courseCode ?? null,
    staffReason: vars.staffReason ?? null,
    occurredAt: at(vars.occurredAt),
    digestDate: vars.digestDate ? longDate(vars.digestDate) : null,
    digestItems: (vars.digestItems ?? []).map((item) => ({
      label: STAFF_EVENT_LABELS[item.staffEvent] ?? item.staffEvent,
      applicationId: item.applicationId,
      crmApplicationId: item.crmApplicationId,
      reason: item.staffReason,
      at: at(item.occurredAt),
    })),
  };
}
export type EmailView = ReturnType<typeof emailView>;
