import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf, PageQuery } from '@otus/common';
import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  MaxLength,
} from 'class-validator';
import { WEBHOOK_EVENTS, type WebhookEvent } from '../webhook-events';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/** The subscription: which events go to the endpoint. */
const Events = () =>
  applyDecorators(
    ApiPropertyOptional({
      enum: WEBHOOK_EVENTS,
      isArray: true,
      nullable: true,
      example: ['contract.signed', 'contract.declined'],
      description: 'The events this CRM client receives; absent or null: every event, including ones added later',
    }),
    IsOptional(),
    IsArray(),
    ArrayNotEmpty({ message: 'events must list at least one event, or be null for every event' }),
    ArrayUnique(),
    IsIn(WEBHOOK_EVENTS, { each: true, message: `each of events must be one of: ${WEBHOOK_EVENTS.join(', ')}` }),
  );

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'crm-main', description: 'The CRM client id (process variable crmClientId)' })
  @IsString()
  @Length(1, 128)
  crmClientId!: string;

  @ApiProperty({ example: 'https://crm.example.com/otus/webhooks' })
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url!: string;

  @Events()
  events?: WebhookEvent[] | null;
}

/** Either or both; `events: null` subscribes to every event again. */
export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ example: 'https://crm.example.com/otus/webhooks' })
  @IsOptional()
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url?: string;

  @Events()
  events?: WebhookEvent[] | null;
}

export class ListWebhookEndpointsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'crm-main' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  crmClientId?: string;
}

export class WebhookEndpointResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() crmClientId!: string;
  @ApiProperty() url!: string;
  @ApiProperty({
    enum: WEBHOOK_EVENTS,
    isArray: true,
    nullable: true,
    description: 'The events it receives; null: every event',
  })
  events!: string[] | null;
  @ApiProperty({ example: 'whsec_…x9Qk', description: 'The end of the secret, to tell secrets apart' })
  secretHint!: string;
  @ApiProperty() secretRotatedAt!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class WebhookEndpointWithSecret extends WebhookEndpointResponse {
  @ApiProperty({
    example: 'whsec_3q2-7wEvx0N3u5ePpS1kB6uQn1xJtWc4gq0hYdX1m7k',
    description: 'Shown once, now: give it to the CRM; it signs every webhook (X-Otus-Signature)',
  })
  secret!: string;
}

export class WebhookEndpointPage extends PageOf(WebhookEndpointResponse) {}
