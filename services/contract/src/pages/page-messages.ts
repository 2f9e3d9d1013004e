import { type CommonErrorCode, DomainError, pluralRu } from '@otus/common';
import type { ContractErrorCode } from '../contract-errors';
import { formatClock } from './page-format';

/**
 * The one place where the services' error codes become words for the client. The services
 * keep their English messages for APIs and logs; the pages never show those.
 */
export function clientMessage(error: DomainError, now = new Date()): string {
  const details = (error.details ?? {}) as Record<string, unknown>;
  // Typed: a case for a code no catalogue has does not compile.
  switch (error.code as ContractErrorCode | CommonErrorCode) {
    case 'CODE_INVALID': {
      const left = typeof details.attemptsLeft === 'number' ? details.attemptsLeft : null;
      return left === null
        ? 'Неверный код. Проверьте цифры из письма.'
        : `Неверный код. ${left === 1 ? 'Осталась' : 'Осталось'} ${pluralRu(left, ['попытка', 'попытки', 'попыток'])}.`;
    }
    case 'CODE_EXPIRED':
      return 'Срок действия кода истёк (он действует 10 минут). Получите новый код.';
    case 'CODE_LOCKED':
      return 'Код заблокирован: слишком много неверных попыток. Получите новый код — он придёт на почту.';
    case 'CODE_NOT_REQUESTED':
      return 'Сначала нажмите «Получить код» — мы пришлём его на вашу почту.';
    case 'CODE_RESEND_TOO_SOON': {
      const at = typeof details.canResendAt === 'string' ? new Date(details.canResendAt) : null;
      if (!at || Number.isNaN(at.getTime())) return 'Код уже отправлен. Новый можно получить через минуту.';
      const seconds = Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));
      return (
        `Код уже отправлен — проверьте почту. Новый можно получить через ` +
        `${pluralRu(seconds, ['секунду', 'секунды', 'секунд'])}, в ${formatClock(at)} (МСК).`
      );
    }
    case 'CODE_NOT_SENT':
      return 'Не удалось отправить код. Попробуйте ещё раз через минуту.';
    case 'CODE_LIMIT_REACHED':
      return 'Новых кодов больше не будет: введите последний код из письма.';
    case 'CORRECTION_LIMIT_REACHED': {
      const used = typeof details.used === 'number' ? details.used : null;
      return (
        (used
          ? `Данные уже исправлены ${pluralRu(used, ['раз', 'раза', 'раз'])} — больше исправить их нельзя. `
          : 'Данные больше исправить нельзя. ') + 'Если в договоре ошибка, откажитесь от него или напишите в школу.'
      );
    }
    case 'CORRECTION_NOT_ALLOWED':
      return 'Сейчас исправить данные нельзя: договор не ждёт подписи.';
    case 'FORM_CLOSED':
      return 'Данные по этой заявке уже отправлены.';
    case 'APPLICATION_NOT_SIGNABLE':
    case 'APPLICATION_CHANGED':
      return 'Договор больше не ждёт подписи.';
    case 'DOCUMENT_NOT_FOUND':
      return 'Документ ещё не готов.';
    case 'VALIDATION_FAILED':
      return 'Проверьте выделенные поля.';
    case 'UNAUTHENTICATED':
      return 'Сеанс завершился. Откройте ссылку из письма ещё раз.';
    case 'APPLICATION_NOT_FOUND':
      return 'Такой заявки нет.';
    default:
      return 'Что-то пошло не так. Попробуйте ещё раз чуть позже.';
  }
}

/** `details` of a VALIDATION_FAILED error, from the ValidationPipe or a service's own checks. */
export function fieldErrors(error: DomainError): Record<string, string> {
  const details = Array.isArray(error.details) ? (error.details as { field?: unknown; errors?: unknown }[]) : [];
  const out: Record<string, string> = {};
  for (const d of details) {
    if (typeof d.field !== 'string' || !Array.isArray(d.errors)) continue;
    const messages = d.errors.filter((m): m is string => typeof m === 'string');
    if (messages.length) out[d.field] = [out[d.field], ...messages].filter(Boolean).join('. ');
  }
  return out;
}

export interface OutcomePage {
  title: string;
  lead: string;
  next: string;
}

const CONTACT = 'Если у вас есть вопросы, свяжитесь со школой OTUS — контакты есть на сайте школы и в письмах от неё.';

const REJECT_REASONS: Record<string, string> = {
  COURSE_NOT_FOUND: 'Такого курса больше нет в расписании.',
  ENROLMENT_CLOSED: 'Набор на этот курс уже закрыт.',
  COURSE_STARTED: 'Этот курс уже начался.',
  NO_FREE_SEATS: 'Свободных мест на курсе не осталось.',
};

const UNAVAILABLE_REASONS: Record<string, string> = {
  COURSE_CLOSED: 'Школа закрыла набор на этот курс.',
  ENROLMENT_CLOSED: 'Набор на этот курс завершился.',
  COURSE_STARTED: 'Этот курс уже начался.',
};

/** What the client reads when the process ended without a contract; `note` is the school's own words, if any. */
export function outcomePage(outcome: string | null, reason: string | null, note: string | null = null): OutcomePage {
  switch (outcome) {
    case 'CANCELLED':
      return {
        title: 'Заявка отменена',
        lead: note
          ? `Школа отменила заявку: «${note}». Место на курсе и промокод (если был) освобождены.`
          : 'Школа отменила заявку. Место на курсе и промокод (если был) освобождены.',
        next: `Если это ошибка или вы хотите записаться снова, оставьте новую заявку. ${CONTACT}`,
      };
    case 'COURSE_UNAVAILABLE':
      return {
        title: 'Курс больше не принимает слушателей',
        lead: `${(reason && UNAVAILABLE_REASONS[reason]) ?? 'Курс сейчас недоступен для записи.'} Договор не оформлен, место и промокод освобождены.`,
        next: `Подберите другой поток на сайте школы. ${CONTACT}`,
      };
    case 'DECLINED':
      return {
        title: 'Вы отказались от договора',
        lead: 'Мы сохранили ваше решение. Место на курсе освобождено, промокод (если был) снова можно использовать.',
        next: `Если передумаете, оставьте новую заявку на сайте школы. ${CONTACT}`,
      };
    case 'REJECTED':
      return {
        title: 'Заявку не удалось принять',
        lead: (reason && REJECT_REASONS[reason]) ?? 'Курс сейчас недоступен для записи.',
        next: `Подберите другой курс или поток на сайте школы. ${CONTACT}`,
      };
    case 'LINK_EXPIRED':
      return {
        title: 'Срок заполнения данных истёк',
        lead: 'Данные для договора не были отправлены вовремя, поэтому заявка закрыта.',
        next: `Чтобы записаться, оставьте новую заявку на сайте школы. ${CONTACT}`,
      };
    case 'NO_SEATS':
      return {
        title: 'Места на курсе закончились',
        lead: 'Пока вы заполняли данные, все места на курсе заняли. Договор не оформлен.',
        next: `Школа предложит вам другой поток. ${CONTACT}`,
      };
    case 'SIGNING_EXPIRED':
      return {
        title: 'Срок подписания истёк',
        lead: 'Договор не был подписан вовремя, поэтому место на курсе освобождено.',
        next: `Чтобы записаться, оставьте новую заявку на сайте школы. ${CONTACT}`,
      };
    default:
      return {
        title: 'Оформление прервалось',
        lead: 'Из-за технической ошибки договор не удалось оформить. Мы уже разбираемся.',
        next: `Школа свяжется с вами. ${CONTACT}`,
      };
  }
}

const PROMO_STATUSES: Record<string, string> = {
  APPLIED: 'Промокод применён.',
  PROMO_INVALID: 'Промокод не найден — цена без скидки.',
  PROMO_EXPIRED: 'Срок действия промокода истёк — цена без скидки.',
  PROMO_EXHAUSTED: 'Промокод уже использован максимальное число раз — цена без скидки.',
  PROMO_NOT_APPLICABLE: 'Промокод не действует для этого курса — цена без скидки.',
};

export function promoNote(status: string | null): string | null {
  return status && status !== 'NONE' ? (PROMO_STATUSES[status] ?? null) : null;
}
