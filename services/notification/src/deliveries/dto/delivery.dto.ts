import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf, PageQuery } from '@otus/common';
import { IsEnum, IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DeliveryStatus, DeliveryTrigger } from '../delivery.entity';
import { Channel, MessageStatus } from '../message.entity';

export class ListDeliveriesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: Channel })
  @IsOptional()
  @IsEnum(Channel)
  channel?: Channel;

  @ApiPropertyOptional({ enum: DeliveryStatus, description: 'Result of the attempt' })
  @IsOptional()
  @IsEnum(DeliveryStatus)
  status?: DeliveryStatus;

  @ApiPropertyOptional({ example: '3f1c6a0e-7a51-4c1e-9a55-1b1f0b0b2d11' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  applicationId?: string;

  @ApiPropertyOptional({
    example: 'link',
    description: 'E-mail template (`link`, …) or webhook event (`contract.signed`, …)',
  })
  @IsOptional()
  @Matches(/^[a-z][a-z.-]{1,63}$/, {
    message: 'template must be a template or event name such as link or contract.signed',
  })
  template?: string;

  @ApiPropertyOptional({ example: '2026-11-01T00:00:00Z', description: 'Attempts at or after this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ example: '2026-12-01T00:00:00Z', description: 'Attempts before this time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class DeliveryResponse {
  @ApiProperty({ format: 'uuid', description: 'This attempt' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The message it tried to deliver' }) messageId!: string;
  @ApiProperty({ enum: Channel }) channel!: Channel;
  @ApiProperty({ example: 'link', description: 'E-mail template or webhook event' }) template!: string;
  @ApiProperty({ description: 'E-mail address, or webhook URL without its query string' }) recipient!: string;
  @ApiProperty({ enum: DeliveryStatus }) status!: DeliveryStatus;
  @ApiProperty({ type: Number, nullable: true, description: 'SMTP reply code or HTTP status' })
  responseCode!: number | null;
  @ApiProperty() latencyMs!: number;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ description: 'Attempt number within the message, from 1' }) attempt!: number;
  @ApiProperty({ enum: DeliveryTrigger }) trigger!: DeliveryTrigger;
  @ApiProperty({ example: 'task:<processInstanceId>:<activityInstanceId>' }) idempotencyKey!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null for a staff digest (about no one application)' })
  applicationId!: string | null;
  @ApiProperty({ enum: MessageStatus, description: 'Where the message stands now' }) messageStatus!: MessageStatus;
  @ApiProperty({ description: 'False for signing codes: they are never stored, so never resent' })
  resendable!: boolean;
  @ApiProperty() createdAt!: string;
}

export class DeliveryPage extends PageOf(DeliveryResponse) {}
