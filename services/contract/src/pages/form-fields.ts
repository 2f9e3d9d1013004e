import { getMetadataStorage } from 'class-validator';
import { ClientFormDto } from '../client/dto/client-form.dto';
import { isoDateYearsFromToday } from './page-format';

export type FormField = keyof ClientFormDto;

/**
 * How each field of the client's form is written in HTML. The server's DTO stays the rule:
 * these attributes only let the browser (and the phone keyboard) help before the round trip.
 * `pattern` is compiled by browsers with the `v` flag and anchored, so characters that are
 * special inside a `v` class (`-`, `(`, `)`) are escaped; spaces the server strips are allowed.
 * form-fields.spec.ts checks each pattern against the DTO on the same samples.
 */
export interface FieldSpec {
  name: FormField;
  label: string;
  hint?: string;
  control: 'input' | 'textarea';
  type?: 'text' | 'date' | 'tel' | 'email';
  required: boolean;
  autocomplete: string;
  inputmode?: 'numeric' | 'tel' | 'email' | 'text';
  pattern?: string;
  minlength?: number;
  maxlength?: number;
  /** Dates: computed per request (today moves). */
  min?: () => string;
  max?: () => string;
  autocapitalize?: 'words' | 'characters' | 'off';
  spellcheck?: boolean;
  rows?: number;
}

export interface FieldGroup {
  legend: string;
  fields: FieldSpec[];
}

const today = () => isoDateYearsFromToday(0);

export const FORM_GROUPS: FieldGroup[] = [
  {
    legend: 'О вас',
    fields: [
      {
        name: 'fullName',
        label: 'Фамилия, имя и отчество',
        hint: 'Как в паспорте',
        control: 'input',
        type: 'text',
        required: true,
        autocomplete: 'name',
        pattern: "\\s*[\\p{L}][\\p{L}\\s.'\\-]*",
        minlength: 2,
        maxlength: 200,
        autocapitalize: 'words',
        spellcheck: false,
      },
      {
        name: 'birthDate',
        label: 'Дата рождения',
        control: 'input',
        type: 'date',
        required: true,
        autocomplete: 'bday',
        // The server's range (14 to 100 years) is the rule; these only steer the date picker.
        min: () => isoDateYearsFromToday(-100),
        max: () => isoDateYearsFromToday(-14),
      },
    ],
  },
  {
    legend: 'Паспорт',
    fields: [
      {
        name: 'passportSeries',
        label: 'Серия',
        hint: '4 цифры',
        control: 'input',
        type: 'text',
        required: true,
        autocomplete: 'off',
        inputmode: 'numeric',
        pattern: '\\s*(?:\\d\\s*){4}',
        maxlength: 8,
        spellcheck: false,
      },
      {
        name: 'passportNumber',
        label: 'Номер',
        hint: '6 цифр',
        control: 'input',
        type: 'text',
        required: true,
        autocomplete: 'off',
        inputmode: 'numeric',
        pattern: '\\s*(?:\\d\\s*){6}',
        maxlength: 12,
        spellcheck: false,
      },
      {
        name: 'passportIssuedBy',
        label: 'Кем выдан',
        control: 'textarea',
        required: true,
        autocomplete: 'off',
        minlength: 5,
        maxlength: 300,
        rows: 2,
      },
      {
        name: 'passportIssueDate',
        label: 'Дата выдачи',
        control: 'input',
        type: 'date',
        required: true,
        autocomplete: 'off',
        max: today,
      },
      {
        name: 'address',
        label: 'Адрес регистрации',
        hint: 'Как в паспорте: город, улица, дом, квартира',
        control: 'textarea',
        required: true,
        autocomplete: 'street-address',
        minlength: 10,
        maxlength: 500,
        rows: 3,
      },
    ],
  },
  {
    legend: 'Контакты',
    fields: [
      {
        name: 'phone',
        label: 'Телефон',
        hint: 'Например, +7 999 123-45-67',
        control: 'input',
        type: 'tel',
        required: true,
        autocomplete: 'tel',
        inputmode: 'tel',
        pattern: '\\s*\\+?[0-9 \\(\\)\\-]{10,20}\\s*',
        maxlength: 24,
      },
    ],
  },
  {
    legend: 'Промокод',
    fields: [
      {
        name: 'promoCode',
        label: 'Промокод',
        hint: 'Если есть: латинские буквы, цифры и дефис',
        control: 'input',
        type: 'text',
        required: false,
        autocomplete: 'off',
        pattern: '\\s*[A-Za-z0-9\\-]{1,40}\\s*',
        maxlength: 44,
        autocapitalize: 'characters',
        spellcheck: false,
      },
    ],
  },
];

export const FORM_FIELDS: FieldSpec[] = FORM_GROUPS.flatMap((g) => g.fields);

export interface FieldMessages {
  /** Empty or too short. */
  missing: string;
  /** Wrong shape. */
  invalid: string;
}

/**
 * The DTO's own Russian messages, read from its class-validator metadata: the browser's
 * checks show the same words the server would answer with, in any browser language.
 */
export function dtoMessages(dto: new () => object): Record<string, FieldMessages> {
  const byField = new Map<string, Map<string, string>>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false)) {
    if (typeof meta.message !== 'string') continue;
    const rules = byField.get(meta.propertyName) ?? new Map<string, string>();
    rules.set(meta.name ?? meta.type, meta.message);
    byField.set(meta.propertyName, rules);
  }
  return Object.fromEntries(
    [...byField].map(([field, rules]) => {
      const first = [...rules.values()][0];
      return [
        field,
        {
          missing: rules.get('isLength') ?? rules.get('isEmail') ?? first,
          invalid: rules.get('matches') ?? rules.get('isEmail') ?? first,
        },
      ];
    }),
  );
}
