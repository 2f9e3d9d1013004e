import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, IsUrl, Length, Matches, MaxLength } from 'class-validator';
import { OUTCOMES } from '../application.schema';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CreateApplicationDto {
  @ApiProperty({
    example: 'amo-2026-000123',
    description: "The CRM's own id: posting it again returns the same application",
  })
  @Transform(trim)
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, {
    message: 'crmApplicationId must be 1-64 letters, digits, ".", "_", ":" or "-"',
  })
  crmApplicationId!: string;

  @ApiProperty({ example: 'NODEJS-2027-01' })
  @Transform(trim)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_-]{1,63}$/, { message: 'courseCode must be a course code' })
  courseCode!: string;

  @ApiProperty({ example: 'Иван Петров' })
  @Transform(trim)
  @IsString()
  @Length(2, 200)
  clientName!: string;

  @ApiProperty({ example: 'ivan@example.org' })
  @Transform(trim)
  @IsEmail()
  @MaxLength(254)
  clientEmail!: string;

  @ApiProperty({ example: '+79991234567' })
  @Transform(trim)
  @Matches(/^\+?[0-9 ()-]{5,20}$/, { message: 'clientPhone must be a phone number' })
  clientPhone!: string;

  @ApiPropertyOptional({ example: 'SPRING10' })
  @IsOptional()
  @Transform(trim)
  @Matches(/^[A-Za-z0-9-]{1,40}$/, { message: 'promoCode must be letters, digits or "-"' })
  promoCode?: string;

  @ApiPropertyOptional({
    example: 'https://crm.example.org/hooks/otus',
    description:
      'Where this application’s events go, instead of the endpoint registered for the CRM. ' +
      'Its host must be one the operators allowed (CRM_WEBHOOK_ALLOWED_HOSTS: exact hosts or *.domain); ' +
      'any other host is refused with 400 VALIDATION_FAILED on webhookUrl. With none allowed, leave it out.',
  })
  @IsOptional()
  @IsUrl({ protocols: ['https', 'http'], require_tld: false, require_protocol: true })
  @MaxLength(2000)
  webhookUrl?: string;
}

export class ApplicationResponse {
  @ApiProperty({ format: 'uuid' }) applicationId!: string;
  @ApiProperty() crmApplicationId!: string;
  @ApiProperty() courseCode!: string;
  @ApiProperty({
    enum: ['CREATED', 'DATA_SUBMITTED', 'DRAFT_READY', 'SIGNED', 'DECLINED', 'CONCLUDED', 'CANCELLED'],
    description: 'Where the application is in this service',
  })
  status!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    enum: OUTCOMES,
    description: 'How it ended; null while it runs',
  })
  outcome!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description:
      'Why, e.g. COURSE_NOT_FOUND for REJECTED, the reason code for CANCELLED, ENROLMENT_CLOSED / COURSE_STARTED / COURSE_CLOSED for COURSE_UNAVAILABLE',
  })
  outcomeReason!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}
