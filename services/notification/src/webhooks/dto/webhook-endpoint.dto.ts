import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf, PageQuery } from '@otus/common';
import { IsOptional, IsString, IsUrl, Length, MaxLength } from 'class-validator';

const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

export class CreateWebhookEndpointDto {
  @ApiProperty({ example: 'crm-main', description: 'The CRM client id (process variable crmClientId)' })
  @IsString()
  @Length(1, 128)
  crmClientId!: string;

  @ApiProperty({ example: 'https://crm.example.com/otus/webhooks' })
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url!: string;
}

export class UpdateWebhookEndpointDto {
  @ApiProperty({ example: 'https://crm.example.com/otus/webhooks' })
  @IsUrl(URL_OPTIONS)
  @MaxLength(2048)
  url!: string;
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
