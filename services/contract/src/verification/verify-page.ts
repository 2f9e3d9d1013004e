import type { PageData } from '../pages/page-renderer';
import { formatDateTime } from '../pages/page-format';
import type { VerificationResponseDto, VerificationResult } from './dto/verification.dto';

/** The form's fields: what a person types, before the API's DTO judges it. */
export interface VerifyFormValues {
  contractNumber: string;
  sha256: string;
}

export type VerifyFormErrors = Partial<Record<keyof VerifyFormValues, string>>;

/** What the seal line says; verify.js reads the same words from the page (data-seal-*). */
export const SEAL_WORDS = {
  intact: 'цела',
  foreign: 'не изменена, но поставлена не действующим сертификатом школы',
  broken: 'нарушена: файл изменён после подписания',
  none: 'нет (договор выдан до того, как школа стала ставить печать)',
} as const;

interface ResultWords {
  tone: 'success' | 'error' | 'info';
  title: string;
  lead?: string;
  next?: string;
}

/** Each result in plain Russian. VALID's sentence is assembled in the template from its facts. */
const WORDS: Record<VerificationResult, ResultWords> = {
  VALID: { tone: 'success', title: 'Договор подписан и не изменён' },
  DRAFT: {
    tone: 'info',
    title: 'Это проект договора, он не подписан',
    lead: 'Файл — проект, который школа выдала для подписания. Подписанный договор — другой файл.',
    next: 'Подписанный договор можно скачать на странице договора по ссылке из письма школы OTUS.',
  },
  NOT_FOUND: {
    tone: 'error',
    title: 'Документ не найден',
    lead: 'Он не выдавался школой через OTUS Contract или был изменён.',
    next: 'Проверьте, что выбран исходный PDF-файл (не скан и не распечатка) и номер с отпечатком введены без ошибок. Если сомневаетесь, свяжитесь со школой OTUS.',
  },
  SEAL_BROKEN: {
    tone: 'error',
    title: 'Документ изменён',
    lead: 'На файле есть печать школы, но после подписания файл изменили: он не совпадает с договором, который выдала школа.',
    next: 'Попросите исходный файл договора или свяжитесь со школой OTUS.',
  },
  NOT_REGISTERED: {
    tone: 'info',
    title: 'Печать школы цела, но договора нет в реестре',
    lead: 'Файл заверен печатью школы и не изменён, но в реестре OTUS Contract такого документа нет.',
    next: 'Свяжитесь со школой OTUS: она проверит документ.',
  },
};

const ORDER: VerificationResult[] = ['VALID', 'DRAFT', 'NOT_FOUND', 'SEAL_BROKEN', 'NOT_REGISTERED'];

export function sealWords(result: Pick<VerificationResponseDto, 'sealIntact' | 'sealedByUs'>): string {
  if (result.sealIntact === undefined) return SEAL_WORDS.none;
  if (!result.sealIntact) return SEAL_WORDS.broken;
  return result.sealedByUs ? SEAL_WORDS.intact : SEAL_WORDS.foreign;
}

/**
 * The check page. Every result block is in the HTML: the one the server found is shown, the
 * others stay hidden for verify.js, which fills and shows the one the JSON API answers, so the
 * words live here only.
 */
export function verifyPage(
  input: { result?: VerificationResponseDto; values?: VerifyFormValues; errors?: VerifyFormErrors } = {},
): PageData {
  const { result, values = { contractNumber: '', sha256: '' }, errors = {} } = input;
  const facts = result?.result === 'VALID' ? result : undefined;
  return {
    title: result ? WORDS[result.result].title : 'Проверка договора',
    script: 'verify.js',
    publicPage: true,
    shown: Boolean(result),
    results: ORDER.map((code) => ({
      code,
      ...WORDS[code],
      shown: result?.result === code,
      valid: code === 'VALID',
      sha256: result?.result === code ? result.sha256 : '',
      contractNumber: facts && code === 'VALID' ? facts.contractNumber : '',
      signedAt: facts && code === 'VALID' ? formatDateTime(facts.signedAt) : '',
      signer: facts && code === 'VALID' ? (facts.signer ?? '') : '',
      templateVersion: facts && code === 'VALID' ? (facts.templateVersion ?? '') : '',
      seal: facts && code === 'VALID' ? sealWords(facts) : '',
    })),
    sealWords: SEAL_WORDS,
    errors: (['contractNumber', 'sha256'] as const)
      .filter((name) => errors[name])
      .map((name) => ({ id: `f-${name}`, label: FIELD_LABELS[name], message: errors[name] })),
    fields: [
      field('contractNumber', values.contractNumber, errors.contractNumber, {
        hint: 'Указан в заголовке договора: 8 символов, цифры и латинские буквы A–F. Можно не указывать.',
        optional: true,
        attrs: { autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false', maxlength: '12' },
      }),
      field('sha256', values.sha256, errors.sha256, {
        hint: 'Отпечаток файла: 64 символа, цифры и буквы a–f. На компьютере его покажет команда: Windows — certutil -hashfile договор.pdf SHA256, macOS и Linux — shasum -a 256 договор.pdf',
        attrs: { required: '', autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false', maxlength: '200' },
      }),
    ],
  };
}

const FIELD_LABELS: Record<keyof VerifyFormValues, string> = { contractNumber: 'Номер договора', sha256: 'SHA-256' };

/** What the form says when the DTO refuses a field. */
export const FIELD_MESSAGES: Record<keyof VerifyFormValues, string> = {
  contractNumber: 'Номер договора — 8 символов: цифры 0–9 и латинские буквы A–F',
  sha256: 'SHA-256 — 64 символа: цифры 0–9 и латинские буквы a–f',
};

function field(
  name: keyof VerifyFormValues,
  value: string,
  error: string | undefined,
  options: { hint: string; optional?: boolean; attrs: Record<string, string> },
) {
  const id = `f-${name}`;
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return {
    id,
    name,
    label: FIELD_LABELS[name],
    type: 'text',
    value,
    hint: options.hint,
    hintId,
    optional: options.optional ?? false,
    error,
    errorId,
    describedBy: [hintId, error ? errorId : null].filter(Boolean).join(' '),
    attrs: Object.entries(options.attrs).map(([attr, v]) => ({ name: attr, value: v })),
  };
}
