import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { DECLINE_REASONS, type DeclineReasonCode } from '@otus/common';
import { Transform } from 'class-transformer';
import { Equals, IsIn, IsOptional, Length, Matches, ValidateIf } from 'class-validator';

/** Digits typed with spaces ('45 10') count as the same digits. */
const withoutSpaces = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.replace(/\s/g, '') : value);
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().replace(/\s+/g, ' ') : value);
const emptyToUndefined = ({ value }: { value: unknown }) =>
  typeof value === 'string' && value.trim() === '' ? undefined : typeof value === 'string' ? value.trim() : value;

/** A checkbox as browsers send it (`on`, or its value) and as JSON has it (`true`); anything else is no. */
export const isTicked = (value: unknown): boolean =>
  value === true || value === 'true' || value === 'on' || value === 'yes';

/**
 * The client's form. Messages are Russian: the page shows them beside each field. There is no
 * e-mail: the code that signs goes to the address the CRM gave, never to one the form names.
 */
export class ClientFormDto {
  @ApiProperty({ example: 'Петров Иван Сергеевич' })
  @Transform(trim)
  @Length(2, 200, { message: 'Укажите фамилию, имя и отчество' })
  @Matches(/^[\p{L}][\p{L} .'-]*$/u, { message: 'ФИО может содержать только буквы, пробелы, дефис и апостроф' })
  fullName!: string;

  @ApiProperty({ example: '1990-05-17', description: 'YYYY-MM-DD' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'Укажите дату рождения' })
  birthDate!: string;

  @ApiProperty({ example: '4510' })
  @Transform(withoutSpaces)
  @Matches(/^\d{4}$/, { message: 'Серия паспорта — 4 цифры' })
  passportSeries!: string;

  @ApiProperty({ example: '123456' })
  @Transform(withoutSpaces)
  @Matches(/^\d{6}$/, { message: 'Номер паспорта — 6 цифр' })
  passportNumber!: string;

  @ApiProperty({ example: 'ГУ МВД России по г. Москве' })
  @Transform(trim)
  @Length(5, 300, { message: 'Укажите, кем выдан паспорт' })
  passportIssuedBy!: string;

  @ApiProperty({ example: '2015-06-01', description: 'YYYY-MM-DD' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'Укажите дату выдачи паспорта' })
  passportIssueDate!: string;

  @ApiProperty({ example: 'г. Москва, ул. Тверская, д. 1, кв. 1' })
  @Transform(trim)
  @Length(10, 500, { message: 'Укажите адрес регистрации полностью' })
  address!: string;

  @ApiProperty({ example: '+7 999 123-45-67' })
  @Transform(trim)
  @Matches(/^\+?[0-9 ()-]{10,20}$/, { message: 'Укажите телефон, например +7 999 123-45-67' })
  phone!: string;

  @ApiPropertyOptional({ example: 'SPRING10' })
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^[A-Za-z0-9-]{1,40}$/, { message: 'Промокод состоит из латинских букв, цифр и дефиса' })
  promoCode?: string;

  @ApiProperty({
    example: true,
    description:
      "The client agrees to the processing of their personal data under the school's policy " +
      '(CONTRACT_PRIVACY_POLICY_URL); the audit chain records the policy version, time, address and browser',
  })
  @Transform(({ value }) => isTicked(value))
  @Equals(true, { message: 'Без согласия на обработку персональных данных договор не заключить' })
  consent!: boolean;
}

/**
 * The client's corrected data while the draft awaits their signature: the same fields and rules
 * as the form, without the promo code (the price was fixed with the first draft; a promo code in
 * the body is refused like any unknown field).
 */
export class ClientCorrectionDto extends OmitType(ClientFormDto, ['promoCode'] as const) {}

export class SignDto {
  @ApiProperty({ example: '123456' })
  @Transform(withoutSpaces)
  @Matches(/^\d{6}$/, { message: 'Код — 6 цифр из письма' })
  signingCode!: string;
}

const DECLINE_REASON_CODES = Object.keys(DECLINE_REASONS) as DeclineReasonCode[];

export class DeclineDto {
  @ApiPropertyOptional({
    enum: DECLINE_REASON_CODES,
    default: 'OTHER',
    description: 'The reason chosen; without one it is OTHER, and then `reason` is required',
  })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(DECLINE_REASON_CODES, { message: 'Выберите причину из списка' })
  reasonCode?: DeclineReasonCode;

  @ApiPropertyOptional({
    example: 'Передумал',
    description: "In the client's words; required for OTHER (or no reasonCode), optional otherwise",
  })
  @Transform(trim)
  @ValidateIf((o: DeclineDto) => (o.reasonCode ?? 'OTHER') === 'OTHER' || (o.reason ?? '') !== '')
  @Length(1, 1000, { message: 'Напишите, пожалуйста, причину' })
  reason?: string;
}
