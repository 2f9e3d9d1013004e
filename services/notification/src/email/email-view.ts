import type { EmailSecrets, EmailVariables } from './email-variables';
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
  };
}
export type EmailView = ReturnType<typeof emailView>;
