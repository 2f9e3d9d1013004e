/**
 * What the contract adds to @otus/common's Russian formatter: its number, names beside a
 * signature, single-line text as printed, and the audit events as the signing sheet words them.
 */

import { maskEmail, NBSP } from '@otus/common';

/**
 * The contract number: the application id without hyphens, first 8 characters, upper case
 * (`3f2a9c1b-…` → `3F2A9C1B`). Short enough to read over the phone; the full application id is
 * printed in the document too, since 8 hex digits are not unique forever.
 */
export function contractNumber(applicationId: string): string {
  if (!numbersContract(applicationId)) throw new RangeError('applicationId must start with 8 letters or digits');
  return applicationId.replace(/-/g, '').slice(0, 8).toUpperCase();
}

/** Whether an application id gives a contract number: 8 letters or digits once hyphens are gone. */
export function numbersContract(applicationId: string): boolean {
  return /^[0-9A-Za-z]{8}/.test(applicationId.replace(/-/g, ''));
}

/** "Иванов Иван Иванович" → "И. И. Иванов", as names are written beside a signature. */
export function initialsName(fullName: string): string {
  const [surname, ...given] = fullName.trim().split(/\s+/);
  if (!given.length) return surname ?? '';
  return `${given.map((name) => `${name.slice(0, 1)}.`).join(NBSP)}${NBSP}${surname}`;
}

/** Single-line text as printed: control characters (a pasted tab, a CR) become spaces. */
export function clean(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
}

/** An audit event as the signing sheet lists it. */
export interface AuditEventLine {
  action: string;
  actor: string;
  details?: Record<string, unknown>;
}

type Details = Record<string, unknown>;

/**
 * What each audit action (AuditService.record) means, in Russian, for the signing sheet.
 * Details give only what may be printed: a document kind, tries left, an address masked again.
 */
const AUDIT_ACTIONS: Record<string, (details: Details) => string> = {
  'application.created': () => 'Заявка получена из CRM',
  'link.sent': (d) => sentTo('Ссылка на договор отправлена', d),
  'link.reminded': (d) => sentTo('Напоминание со ссылкой отправлено', d),
  'link.reissue-requested': () => 'Запрошена новая ссылка',
  'link.renewal-requested': (d) =>
    d.renewal === 'reissue' ? 'Клиент запросил новую ссылку' : 'Клиент запросил новую ссылку, запрос передан школе',
  'link.reissued': (d) => sentTo('Новая ссылка на договор отправлена', d),
  'deadline.changed': (d) => (d.kind === 'signing' ? 'Срок подписания изменён' : 'Срок заполнения данных изменён'),
  'link.opened': () => 'Ссылка из письма открыта',
  'consent.given': (d) =>
    typeof d.policyVersion === 'string'
      ? `Согласие на обработку персональных данных (политика, редакция ${clean(d.policyVersion)})`
      : 'Согласие на обработку персональных данных',
  'client-data.submitted': () => 'Данные заполнены',
  'client-data.corrected': () => 'Данные исправлены, прежний проект договора отозван',
  'draft.generated': (d) =>
    Number.isSafeInteger(d.revision) && (d.revision as number) > 0
      ? `Новый проект договора сформирован (после исправления № ${d.revision as number})`
      : 'Проект договора сформирован',
  'document.viewed': (d) => (d.kind === 'signed' ? 'Подписанный договор просмотрен' : 'Проект просмотрен'),
  'document.downloaded': (d) => (d.kind === 'signed' ? 'Подписанный договор скачан' : 'Проект скачан'),
  'signing-code.sent': (d) => sentTo('Код отправлен', d),
  'signing-code.rejected': (d) =>
    Number.isSafeInteger(d.attemptsLeft)
      ? `Неверный код (осталось попыток: ${d.attemptsLeft as number})`
      : 'Неверный код',
  'signing.locked': () => 'Подписание приостановлено: исчерпаны коды и попытки',
  'signing.unlocked': () => 'Подписание снова открыто',
  'contract.signed': () => 'Договор подписан',
  'contract.declined': () => 'Отказ от подписания',
  'application.cancelled': () => 'Заявка отменена',
  'contract.finalized': () => 'Подписанный договор сформирован',
};

function sentTo(what: string, details: Details): string {
  return typeof details.sentTo === 'string' ? `${what} на ${maskEmail(details.sentTo)}` : what;
}

/** "Проект просмотрен"; an action without a label prints as its code. Staff actions say so. */
export function auditEventText({ action, actor, details }: AuditEventLine): string {
  const label = Object.hasOwn(AUDIT_ACTIONS, action) ? AUDIT_ACTIONS[action](details ?? {}) : action;
  return actor.startsWith('staff:') ? `${label} (сотрудник Исполнителя)` : label;
}
