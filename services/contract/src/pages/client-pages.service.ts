import { Injectable } from '@nestjs/common';
import { DECLINE_REASONS, maskEmail, pluralRu } from '@otus/common';
import type { ApplicationDocument } from '../applications/application.schema';
import { ClientService, type ClientView, type PrivacyPolicy } from '../client/client.service';
import { ClientFormDto, isTicked } from '../client/dto/client-form.dto';
import { type CodeState, SigningService } from '../signing/signing.service';
import { dtoMessages, FORM_GROUPS, type FieldSpec } from './form-fields';
import { formatClock, formatDate, formatDateTime, formatRubles } from './page-format';
import { outcomePage, promoNote } from './page-messages';
import type { PageData, PageName } from './page-renderer';

/** What the last POST asks the page to show besides the state itself. */
export interface PageExtras {
  form?: { values: Record<string, string>; errors: Record<string, string> };
  /** The correction form (while the draft awaits a signature): without values, what the client submitted. */
  correction?: { values?: Record<string, string>; errors?: Record<string, string> };
  signing?: { codeError?: string; notice?: string; code?: string; correctionNotice?: string };
  decline?: { reason: string; reasonCode: string | null; error?: string; reasonCodeError?: string };
}

export interface Screen {
  page: PageName;
  data: PageData;
}

const FIELD_MESSAGES = dtoMessages(ClientFormDto);
/** Where the form's script asks whether a promo code applies (the promo service's public check, via the gateway). */
export const PROMO_CHECK_URL = '/api/promo/public/promo-codes/check';
const TIMES: [string, string, string] = ['раз', 'раза', 'раз'];
/** Progress pages reload themselves this often while a worker does its part. */
export const PROGRESS_REFRESH_SECONDS = 3;

/**
 * Builds the one client page from the application's state. No rules live here: the state
 * comes from ClientService, the code's state from SigningService; this only words and arranges.
 */
@Injectable()
export class ClientPagesService {
  constructor(
    private readonly clients: ClientService,
    private readonly signing: SigningService,
  ) {}

  async screen(application: ApplicationDocument, extras: PageExtras = {}, now = new Date()): Promise<Screen> {
    const view = await this.clients.view(application);
    const base = { applicationId: view.applicationId, course: course(view), pageUrl: pageUrl(view.applicationId) };
    switch (view.state) {
      case 'FORM':
        return {
          page: 'form',
          data: { ...base, ...formPage(view, application, this.clients.privacyPolicy, extras.form) },
        };
      case 'PREPARING_DRAFT':
        return {
          page: 'progress',
          data: {
            ...base,
            title: 'Готовим проект договора',
            refreshSeconds: PROGRESS_REFRESH_SECONDS,
            heading: 'Готовим проект договора',
            lead: view.corrections.used
              ? 'Составляем новый проект договора по исправленным данным и пришлём его на почту. Место на курсе остаётся за вами, срок подписания прежний.'
              : 'Проверяем промокод, бронируем место на курсе и составляем договор. Обычно это занимает несколько секунд.',
          },
        };
      case 'SIGNING':
        if (extras.decline) return { page: 'decline', data: { ...base, ...declinePage(view, extras.decline) } };
        if (extras.correction && view.corrections.allowed) {
          const values = extras.correction.values ?? this.clients.correctionValues(application);
          return {
            page: 'form',
            data: {
              ...base,
              ...correctionPage(view, application, this.clients.privacyPolicy, values, extras.correction.errors ?? {}),
            },
          };
        }
        return {
          page: 'signing',
          data: {
            ...base,
            ...signingPage(view, application, await this.signing.state(application), extras.signing, now),
          },
        };
      case 'SIGNING_LOCKED':
        return {
          page: 'ended',
          data: {
            ...base,
            title: 'Подписание приостановлено',
            lead:
              'Было запрошено слишком много кодов или введено слишком много неверных. Чтобы никто не смог ' +
              'подобрать код, мы приостановили подписание этого договора и сообщили школе OTUS.',
            next:
              'Сотрудник школы свяжется с вами и снова откроет подписание — тогда вы сможете получить новый код. ' +
              `Если вы не запрашивали коды, сообщите об этом школе. Код приходит на ${maskEmail(application.clientEmail)}.`,
            tone: 'warning',
          },
        };
      case 'FINALIZING':
        return {
          page: 'progress',
          data: {
            ...base,
            title: 'Оформляем договор',
            refreshSeconds: PROGRESS_REFRESH_SECONDS,
            heading: 'Договор подписан, оформляем документы',
            lead: 'Закрепляем за вами место на курсе и готовим подписанный договор. Страница обновится сама.',
          },
        };
      case 'CONCLUDED':
        return {
          page: 'concluded',
          data: {
            ...base,
            title: 'Договор заключён',
            signedAt: formatDateTime(application.signature?.signedAt ?? null),
            sentTo: maskEmail(application.clientEmail),
            documents: view.documents.signed ? documents(view.applicationId, 'signed') : null,
          },
        };
      case 'DECLINED':
        return { page: 'ended', data: { ...base, ...outcomePage('DECLINED', null), tone: 'info' } };
      case 'ENDED': {
        const outcome = outcomePage(view.outcome, view.outcomeReason, view.cancelReasonText);
        return { page: 'ended', data: { ...base, ...outcome, tone: view.outcome === 'FAILED' ? 'error' : 'info' } };
      }
    }
  }
}

export function pageUrl(applicationId: string): string {
  return `/client/${encodeURIComponent(applicationId)}`;
}

function course(view: ClientView) {
  const { course } = view;
  const price = formatRubles(course.priceKopecks);
  const final = formatRubles(course.finalPriceKopecks);
  const discounted = typeof course.discountKopecks === 'number' && course.discountKopecks > 0;
  return {
    title: course.title ?? course.code,
    startDate: formatDate(course.startDate),
    price,
    discount: discounted ? formatRubles(course.discountKopecks) : null,
    finalPrice: final && final !== price ? final : null,
    promoNote: promoNote(course.promoStatus),
  };
}

function documents(applicationId: string, kind: 'draft' | 'signed') {
  const url = `/client/api/applications/${encodeURIComponent(applicationId)}/documents/${kind}`;
  return {
    viewUrl: url,
    downloadUrl: `${url}?download=1`,
    fileName: kind === 'draft' ? 'proekt-dogovora.pdf' : 'dogovor.pdf',
    frameTitle: kind === 'draft' ? 'Проект договора (PDF)' : 'Подписанный договор (PDF)',
  };
}

function formPage(
  view: ClientView,
  application: ApplicationDocument,
  policy: PrivacyPolicy,
  input?: PageExtras['form'],
) {
  const prefill: Record<string, string> = {
    phone: application.clientPhone,
    promoCode: application.promoCode ?? '',
  };
  const { groups, errors, consent } = formGroups(FORM_GROUPS, input?.values ?? prefill, input?.errors ?? {}, policy);
  const price = view.course.priceKopecks;
  const live = typeof price === 'number';
  // Where the script writes what the promo service says of the typed code (announced politely).
  for (const f of groups.flatMap((g) => g.fields)) if (live && f.name === 'promoCode') f.liveId = `${f.id}-live`;
  return {
    title: errors.length ? 'Ошибка: данные для договора' : 'Данные для договора',
    script: 'app.js' as const,
    action: `${pageUrl(view.applicationId)}/form`,
    groups,
    errors,
    consent,
    deadline: formatDateTime(view.linkExpiresAt),
    promoPending: Boolean(application.promoCode),
    // The script checks a typed promo code at once (the server's check after submission stays the rule).
    promoCheck: live ? { url: PROMO_CHECK_URL, courseCode: view.course.code, priceKopecks: price } : null,
    // Shown, not asked: the code that signs goes to the address the school has (docs/security.md).
    email: application.clientEmail,
  };
}

/**
 * The form again, while the draft awaits a signature: what the client submitted, to correct.
 * The promo code is shown, not asked: the price was fixed with the first draft.
 */
function correctionPage(
  view: ClientView,
  application: ApplicationDocument,
  policy: PrivacyPolicy,
  values: Record<string, string>,
  fieldErrors: Record<string, string>,
) {
  const specs = FORM_GROUPS.map((g) => ({ ...g, fields: g.fields.filter((f) => f.name !== 'promoCode') })).filter(
    (g) => g.fields.length > 0,
  );
  const { groups, errors, consent } = formGroups(specs, values, fieldErrors, policy);
  const after = view.corrections.left - 1;
  return {
    title: errors.length ? 'Ошибка: исправление данных' : 'Исправление данных',
    script: 'app.js' as const,
    action: `${pageUrl(view.applicationId)}/correction`,
    groups,
    errors,
    consent,
    email: application.clientEmail,
    correction: {
      sentTo: maskEmail(application.clientEmail),
      signDeadline: formatDateTime(view.signDeadline),
      remaining:
        after > 0
          ? `После этого исправления данные можно будет исправить ещё ${pluralRu(after, TIMES)}.`
          : 'Это последнее исправление: после него изменить данные будет нельзя.',
      promoCode: application.promoCode,
      backUrl: pageUrl(view.applicationId),
    },
  };
}

function formGroups(
  specs: typeof FORM_GROUPS,
  values: Record<string, string>,
  errors: Record<string, string>,
  policy: PrivacyPolicy,
) {
  const groups = specs.map((group) => ({
    legend: group.legend,
    fields: group.fields.map((spec) => field(spec, values[spec.name] ?? '', errors[spec.name])),
  }));
  const consent = consentBox(values.consent, errors.consent, policy);
  const summary = groups
    .flatMap((g) => g.fields)
    .filter((f) => f.error)
    .map((f) => ({ id: f.id, label: f.label, message: f.error }));
  if (consent.error) summary.push({ id: consent.id, label: CONSENT_LABEL, message: consent.error });
  // Errors of fields the page does not show (there should be none) still reach the summary.
  const shown = new Set([...specs.flatMap((g) => g.fields.map((f) => f.name as string)), 'consent']);
  for (const [name, message] of Object.entries(errors)) {
    if (!shown.has(name)) summary.push({ id: 'form', label: name, message });
  }
  return { groups, errors: summary, consent };
}

const CONSENT_LABEL = 'Согласие на обработку персональных данных';

/**
 * The consent box, unticked until the client ticks it (also after a refusal of other fields, when
 * it was ticked). The policy's link and version are the ones the audit chain records with it.
 */
function consentBox(value: string | undefined, error: string | undefined, policy: PrivacyPolicy) {
  return {
    id: 'f-consent',
    checked: isTicked(value),
    error: error ?? null,
    errorId: error ? 'f-consent-error' : null,
    message: FIELD_MESSAGES.consent?.missing ?? '',
    policyUrl: policy.policyUrl,
    policyVersion: policy.policyVersion,
  };
}

function field(spec: FieldSpec, value: string, error: string | undefined) {
  const id = `f-${spec.name}`;
  const messages = FIELD_MESSAGES[spec.name];
  const attrs: { name: string; value: string }[] = [];
  const add = (name: string, v: string | number | boolean | undefined) => {
    if (v !== undefined && v !== false) attrs.push({ name, value: v === true ? '' : String(v) });
  };
  add('required', spec.required);
  add('autocomplete', spec.autocomplete);
  add('inputmode', spec.inputmode);
  add('pattern', spec.pattern);
  add('minlength', spec.minlength);
  add('maxlength', spec.maxlength);
  add('min', spec.min?.());
  add('max', spec.max?.());
  add('autocapitalize', spec.autocapitalize);
  if (spec.spellcheck === false) add('spellcheck', 'false');
  add('rows', spec.rows);
  add('data-msg-missing', messages?.missing);
  add('data-msg-invalid', messages?.invalid);
  const hintId = spec.hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  return {
    id,
    name: spec.name,
    label: spec.label,
    optional: !spec.required,
    hint: spec.hint ?? null,
    hintId,
    error: error ?? null,
    errorId,
    describedBy: [errorId, hintId].filter(Boolean).join(' ') || null,
    /** The id of the live result of a check as the client types (the promo code), if the page has one. */
    liveId: null as string | null,
    textarea: spec.control === 'textarea',
    type: spec.type ?? 'text',
    value,
    attrs,
  };
}

function signingPage(
  view: ClientView,
  application: ApplicationDocument,
  code: CodeState | null,
  input: PageExtras['signing'] = {},
  now: Date,
) {
  const expired = Boolean(code && !code.locked && new Date(code.expiresAt) <= now);
  const active = Boolean(code && !code.locked && !expired);
  const canResendAt = code ? new Date(code.canResendAt) : null;
  return {
    title: input.codeError || input.notice ? 'Ошибка: подписание договора' : 'Подписание договора',
    script: 'app.js' as const,
    documents: documents(view.applicationId, 'draft'),
    sendCodeAction: `${pageUrl(view.applicationId)}/signing-code`,
    signAction: `${pageUrl(view.applicationId)}/signature`,
    declineUrl: `${pageUrl(view.applicationId)}/decline`,
    sentTo: maskEmail(application.clientEmail),
    deadline: formatDateTime(view.signDeadline),
    code: {
      requested: Boolean(code),
      active,
      expired,
      locked: Boolean(code?.locked),
      sentAt: code ? formatClock(code.sentAt) : null,
      expiresAt: code ? formatClock(code.expiresAt) : null,
      attemptsLeft: code ? pluralRu(code.attemptsLeft, ['попытка', 'попытки', 'попыток']) : null,
      // The script counts down to this; without it the server answers a too-early request.
      resendAt: canResendAt && canResendAt > now ? canResendAt.toISOString() : null,
    },
    sendLabel: code ? 'Получить новый код' : 'Получить код',
    notice: input.notice ?? null,
    codeError: input.codeError ?? null,
    codeValue: input.code ?? '',
    correction: {
      offered: view.corrections.allowed,
      url: `${pageUrl(view.applicationId)}/correction`,
      left: pluralRu(view.corrections.left, TIMES),
      // Shown only where corrections exist at all.
      shown: view.corrections.max > 0,
      corrected: view.corrections.used > 0,
      notice: input.correctionNotice ?? null,
    },
  };
}

function declinePage(view: ClientView, input: NonNullable<PageExtras['decline']>) {
  return {
    title: input.error ? 'Ошибка: отказ от договора' : 'Отказ от договора',
    script: 'app.js' as const,
    action: `${pageUrl(view.applicationId)}/decline`,
    backUrl: pageUrl(view.applicationId),
    reason: input.reason,
    reasons: Object.entries(DECLINE_REASONS).map(([code, label]) => ({
      code,
      label,
      checked: code === input.reasonCode,
    })),
    error: input.error ?? null,
    reasonCodeError: input.reasonCodeError ?? null,
  };
}
