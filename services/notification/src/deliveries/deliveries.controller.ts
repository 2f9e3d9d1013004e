import { Controller, Get, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, type Page, Roles } from '@otus/common';
import { DeliveryLogService } from './delivery-log.service';
import { DeliveryPage, DeliveryResponse, ListDeliveriesQuery } from './dto/delivery.dto';
import { ResendService } from './resend.service';

/** The delivery log: one row per attempt to send an e-mail or a webhook. */
@ApiTags('deliveries')
@ApiBearerAuth('staff')
@Controller('deliveries')
export class DeliveriesController {
  constructor(
    private readonly log: DeliveryLogService,
    private readonly resender: ResendService,
  ) {}

  @Get()
  @Roles('admin', 'operator')
  @ApiOkResponse({ type: DeliveryPage })
  list(@Query() query: ListDeliveriesQuery): Promise<Page<DeliveryResponse>> {
    return this.log.list(query);
  }

  @Get(':id')
  @Roles('admin', 'operator')
  @ApiOkResponse({ type: DeliveryResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<DeliveryResponse> {
    return this.log.get(id);
  }

  @Post(':id/resend')
  @Roles('admin')
  @ApiOperation({
    summary: 'Send the message of this delivery again, now',
    description:
      'A new attempt, logged; the answer is that attempt, sent or failed. 409 NOT_RESENDABLE for signing codes.',
  })
  @ApiCreatedResponse({ type: DeliveryResponse })
  @ApiErrorResponses({
    status: 409,
    description:
      'NOT_RESENDABLE: signing codes are never stored, so never resent; WEBHOOK_ENDPOINT_MISSING: nowhere to send it; ' +
      'WEBHOOK_URL_NOT_ALLOWED: the application’s own webhook URL is on a host not in CRM_WEBHOOK_ALLOWED_HOSTS',
  })
  resend(@Param('id', ParseUUIDPipe) id: string): Promise<DeliveryResponse> {
    return this.resender.resend(id);
  }
}
