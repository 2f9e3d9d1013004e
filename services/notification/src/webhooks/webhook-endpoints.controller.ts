import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, type Page, Roles } from '@otus/common';
import {
  CreateWebhookEndpointDto,
  ListWebhookEndpointsQuery,
  UpdateWebhookEndpointDto,
  WebhookEndpointPage,
  WebhookEndpointResponse,
  WebhookEndpointWithSecret,
} from './dto/webhook-endpoint.dto';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@ApiTags('webhook-endpoints')
@ApiBearerAuth('staff')
@Controller('webhook-endpoints')
export class WebhookEndpointsController {
  constructor(private readonly endpoints: WebhookEndpointsService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: WebhookEndpointWithSecret, description: 'The secret is in this answer only' })
  @ApiErrorResponses({ status: 409, description: 'WEBHOOK_ENDPOINT_EXISTS: the CRM client has one; update it' })
  create(@Body() dto: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecret> {
    return this.endpoints.create(dto);
  }

  @Get()
  @Roles('admin', 'operator')
  @ApiOkResponse({ type: WebhookEndpointPage })
  list(@Query() query: ListWebhookEndpointsQuery): Promise<Page<WebhookEndpointResponse>> {
    return this.endpoints.list(query);
  }

  @Get(':id')
  @Roles('admin', 'operator')
  @ApiOkResponse({ type: WebhookEndpointResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookEndpointResponse> {
    return this.endpoints.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: WebhookEndpointResponse })
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointResponse> {
    return this.endpoints.update(id, dto);
  }

  @Post(':id/rotate-secret')
  @Roles('admin')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookEndpointWithSecret, description: 'The new secret is in this answer only' })
  rotateSecret(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookEndpointWithSecret> {
    return this.endpoints.rotateSecret(id);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse()
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.endpoints.remove(id);
  }
}
