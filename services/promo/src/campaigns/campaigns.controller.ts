import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, type Page, Roles } from '@otus/common';
import { CampaignService } from './campaign.service';
import {
  CampaignPage,
  CampaignResponse,
  CreateCampaignDto,
  ListCampaignsQuery,
  UpdateCampaignDto,
} from './dto/campaign.dto';

@ApiTags('campaigns')
@ApiBearerAuth('staff')
@Controller('campaigns')
export class CampaignsController {
  constructor(private readonly campaigns: CampaignService) {}

  @Post()
  @Roles('admin')
  @ApiCreatedResponse({ type: CampaignResponse })
  create(@Body() dto: CreateCampaignDto): Promise<CampaignResponse> {
    return this.campaigns.create(dto);
  }

  @Get()
  @Roles('admin', 'operator')
  @ApiOkResponse({ type: CampaignPage })
  list(@Query() query: ListCampaignsQuery): Promise<Page<CampaignResponse>> {
    return this.campaigns.list(query);
  }

  @Get(':id')
  @Roles('admin', 'operator')
  @ApiOkResponse({ type: CampaignResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<CampaignResponse> {
    return this.campaigns.get(id);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOkResponse({ type: CampaignResponse })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateCampaignDto): Promise<CampaignResponse> {
    return this.campaigns.update(id, dto);
  }

  @Delete(':id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrorResponses({ status: 409, description: 'PROMO_CAMPAIGN_HAS_REDEMPTIONS: deactivate it instead' })
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.campaigns.remove(id);
  }
}
