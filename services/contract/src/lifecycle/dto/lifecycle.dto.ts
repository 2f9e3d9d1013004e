import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsDateString, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CancelApplicationDto {
  @ApiProperty({
    example: 'CLIENT_REQUEST',
    description: 'Why, as a code the CRM and reports can group by: 2-64 capital letters, digits or "_"',
  })
  @Transform(trim)
  @Matches(/^[A-Z][A-Z0-9_]{1,63}$/, { message: 'reasonCode must be 2-64 capital letters, digits or "_"' })
  reasonCode!: string;

  @ApiPropertyOptional({
    example: 'Клиент перенёс обучение на следующий поток',
    description: 'Shown to the client in the cancellation e-mail and on their page; up to 500 characters',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(500)
  reasonText?: string;
}

export class ExtendDeadlineDto {
  @ApiProperty({
    example: '2027-01-20T18:00:00+03:00',
    description:
      "The new deadline of the stage the application waits in (the form's, or the signature's): later than " +
      "the current one, not after the course's enrolment deadline or start",
  })
  @IsDateString({ strict: true }, { message: 'until must be an ISO 8601 date and time' })
  @Matches(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, {
    message: 'until must carry a time and its offset, e.g. 2027-01-20T18:00:00+03:00',
  })
  until!: string;
}

export class DeadlineChangeResponse {
  @ApiProperty({ enum: ['link', 'signing'], description: "Which deadline moved: the form's or the signature's" })
  kind!: string;
  @ApiProperty({ description: 'The deadline before' }) from!: string;
  @ApiProperty({ description: 'The new deadline' }) to!: string;
  @ApiProperty({ enum: ['extended', 'shortened'] }) change!: string;
}

export class LinkRenewalDto {
  @ApiProperty({ description: 'The token of the link that no longer opens (from its URL)' })
  @IsString()
  @Length(16, 128)
  token!: string;
}

export class LinkRenewalResponse {
  @ApiProperty({
    enum: ['reissued', 'passed-on'],
    description:
      '`reissued`: a new link is being e-mailed to the client; `passed-on`: the school decides and contacts them',
  })
  result!: string;
  @ApiProperty({ example: 'i***@example.org', description: 'Where the new link or the school writes, masked' })
  sentTo!: string;
}
