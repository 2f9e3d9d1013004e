import { Injectable } from '@nestjs/common';
import { maskEmail, pluralRu } from '@otus/common';
import type { ApplicationDocument } from '../applications/application.schema';
import { ClientService, type ClientView } from '../client/client.service';
import { ClientFormDto } from '../client/dto/client-form.dto';
import { type CodeState, SigningService } from '../signing/signing.service';
import { dtoMessages, FORM_GROUPS, type FieldSpec } from './form-fields';
import { formatClock, formatDate, formatDateTime, formatRubles } from './page-format';
import { outcomePage, promoNote } from './page-messages';
import type { PageData, PageName } from './page-renderer';

/** What the last POST asks the page to show besides the state itself. */
export interface PageExtras {
  form?: { values: Record<string, string>; errors: Record<string, string> };
  signing?: { codeError?: string; notice?: string; code?: string };
  decline?: { reason: string; error?: string };
}

export interface Screen {
  page: PageName;
  data: PageData;
}

const FIELD_MESSAGES = dtoMessages(ClientFormDto);
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
        return { page: 'form', data: { ...base, ...formPage(view, application, extras.form) } };
      case 'PREPARING_DRAFT':
        return {
          page: 'progress',
          data: {
            ...base,
            title: 'Готовим проект договора',
            refreshSeconds: PROGRESS_REFRESH_SECONDS,
            heading: 'Готовим проект договора',
            lead: 'Проверяем промокод, бронируем место на курсе и составляем договор. Обычно это занимает несколько секунд.',
          },
        };
      case 'SIGNING':
        if (extras.decline) return { page: 'decline', data: { ...base, ...declinePage(view, extras.decline) } };
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

function formPage(view: ClientView, application: ApplicationDocument, input?: PageExtras['form']) {
  const prefill: Record<string, string> = {
    phone: application.clientPhone,
    promoCode: application.promoCode ?? '',
  };
  const values = input?.values ?? prefill;
  const errors = input?.errors ?? {};
  const groups = FORM_GROUPS.map((group) => ({
    legend: group.legend,
    fields: group.fields.map((spec) => field(spec, values[spec.name] ?? '', errors[spec.name])),
  }));
  const summary = groups
    .flatMap((g) => g.fields)
    .filter((f) => f.error)
    .map((f) => ({ id: f.id, label: f.label, message: f.error }));
  // Errors of fields the page does not show (there should be none) still reach the summary.
  const shown = new Set(FORM_GROUPS.flatMap((g) => g.fields.map((f) => f.name as string)));
  for (const [name, message] of Object.entries(errors)) {
    if (!shown.has(name)) summary.push({ id: 'form', label: name, message });
  }
  return {
    title: summary.length ? 'Ошибка: данные для договора' : 'Данные для договора',
    script: 'app.js' as const,
    action: `${pageUrl(view.applicationId)}/form`,
    groups,
    errors: summary,
    deadline: formatDateTime(view.linkExpiresAt),
    promoPending: Boolean(application.promoCode),
    // Shown, not asked: the code that signs goes to the address the school has (docs/security.md).
    email: application.clientEmail,
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
  };
}

function declinePage(view: ClientView, input: NonNullable<PageExtras['decline']>) {
  return {
    title: input.error ? 'Ошибка: отказ от договора' : 'Отказ от договора',
    script: 'app.js' as const,
    action: `${pageUrl(view.applicationId)}/decline`,
    backUrl: pageUrl(view.applicationId),
    reason: input.reason,
    error: input.error ?? null,
  };
}
