import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { validForm } from '@otus/testing';
import { ClientFormDto } from '../client/dto/client-form.dto';
import { dtoMessages, FORM_FIELDS, type FormField } from './form-fields';

const valid = { ...validForm(), promoCode: 'SPRING10', consent: 'yes' } as Record<FormField, string>;

/** What the server says of one field's value, the rest of the form being valid. */
async function serverAccepts(field: FormField, value: string): Promise<boolean> {
  const errors = await validate(plainToInstance(ClientFormDto, { ...valid, [field]: value }));
  return !errors.some((e) => e.property === field);
}

/** What a browser says: `pattern` is compiled with the v flag and anchored; then the lengths. */
function browserAccepts(field: FormField, value: string): boolean {
  const spec = FORM_FIELDS.find((f) => f.name === field)!;
  if (value === '') return !spec.required;
  if (spec.pattern && !new RegExp(`^(?:${spec.pattern})$`, 'v').test(value)) return false;
  if (spec.maxlength !== undefined && value.length > spec.maxlength) return false;
  if (spec.minlength !== undefined && value.length < spec.minlength) return false;
  return true;
}

const samples: [FormField, string][] = [
  ['fullName', 'Петров Иван Сергеевич'],
  ['fullName', "Д'Артаньян Шарль"],
  ['fullName', 'Анна-Мария Петрова'],
  ['fullName', 'Anna 2'],
  ['fullName', '-Петров'],
  ['fullName', 'И'],
  ['fullName', '  Петров   Иван  '],
  ['passportSeries', '4510'],
  ['passportSeries', '45 10'],
  ['passportSeries', '451'],
  ['passportSeries', '45a0'],
  ['passportSeries', '45100'],
  ['passportNumber', '987654'],
  ['passportNumber', '987 654'],
  ['passportNumber', '98765'],
  ['passportNumber', '98765x'],
  ['passportIssuedBy', 'ОВД'],
  ['passportIssuedBy', 'ГУ МВД'],
  ['address', 'Москва'],
  ['address', 'г. Москва, ул. Тверская, 1'],
  ['phone', '+7 999 123-45-67'],
  ['phone', '8 (999) 123-45-67'],
  ['phone', '+79991234567'],
  ['phone', '12345'],
  ['phone', 'позвоните мне'],
  ['phone', '+7 999 123-45-67 доб. 5'],
  ['promoCode', 'SPRING10'],
  ['promoCode', 'spring-10'],
  ['promoCode', ''],
  ['promoCode', 'ВЕСНА'],
  ['promoCode', 'SPRING 10'],
];

describe('the form fields', () => {
  it.each(samples)('%s %j: the browser judges as the server does', async (field, value) => {
    expect(browserAccepts(field, value)).toBe(await serverAccepts(field, value));
  });

  it("covers every field of the DTO, once (the consent box is the form's own, not a text field)", () => {
    expect([...FORM_FIELDS.map((f) => f.name), 'consent'].sort()).toEqual(Object.keys(valid).sort());
  });

  it('gives the browser the DTO messages, the missing and the malformed case apart', () => {
    const messages = dtoMessages(ClientFormDto);
    expect(messages.fullName).toEqual({
      missing: 'Укажите фамилию, имя и отчество',
      invalid: 'ФИО может содержать только буквы, пробелы, дефис и апостроф',
    });
    expect(messages.passportSeries).toEqual({
      missing: 'Серия паспорта — 4 цифры',
      invalid: 'Серия паспорта — 4 цифры',
    });
    expect(messages.phone.invalid).toBe('Укажите телефон, например +7 999 123-45-67');
  });

  it('takes the consent box ticked, as a browser or JSON sends it, and refuses it otherwise with the reason', async () => {
    const consentErrors = async (consent: unknown) =>
      (await validate(plainToInstance(ClientFormDto, { ...valid, consent })))
        .filter((e) => e.property === 'consent')
        .flatMap((e) => Object.values(e.constraints ?? {}));
    for (const ticked of [true, 'true', 'on', 'yes']) expect(await consentErrors(ticked)).toEqual([]);
    for (const not of [false, 'false', 'no', '', undefined, 1]) {
      expect(await consentErrors(not)).toEqual(['Без согласия на обработку персональных данных договор не заключить']);
    }
  });

  it('lets a phone offer the right keyboard and autofill', () => {
    const by = (name: FormField) => FORM_FIELDS.find((f) => f.name === name)!;
    expect(by('passportSeries').inputmode).toBe('numeric');
    expect(by('phone')).toMatchObject({ type: 'tel', autocomplete: 'tel' });
    expect(by('birthDate')).toMatchObject({ type: 'date', autocomplete: 'bday' });
  });
});
