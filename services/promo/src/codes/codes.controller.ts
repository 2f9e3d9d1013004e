import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponses, type Page, Roles } from '@otus/common';
import { CodeService } from './code.service';
import {
  CreatePromoCodeDto,
  GeneratePromoCodesDto,
  ListPromoCodesQuery,
  PromoCodePage,
  PromoCodeResponse,
  UpdatePromoCodeDto,
} from './dto/promo-code.dto';

@ApiTags('promo-codes')
@ApiBearerAuth('staff')
@Controller()
export class CodesController {
  constructor(private readonly codes: CodeService) {}

  @Post('campaigns/:campaignId/codes')
  @Roles('admin')
  @ApiCreatedResponse({ type: PromoCodeResponse })
  @ApiErrorResponses({ status: 409, description: 'PROMO_CODE_TAKEN' })
  create(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Body() dto: CreatePromoCodeDto,
  ): Promise<PromoCodeResponse> {
    return this.codes.create(campaignId, dto);
  }

  @Post('campaigns/:campaignId/codes/generate')
  @Roles('admin')
  @ApiCreatedResponse({ type: [PromoCodeResponse] })
  @ApiErrorResponses({ status: 409, description: 'PROMO_CODE_SPACE_CROWDED: use a longer length or another prefix' })
  generate(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Body() dto: GeneratePromoCodesDto,
  ): Promise<PromoCodeResponse[]> {
    return this.codes.generate(campaignId, dto);
  }

  @Get('campaigns/:campaignId/codes')
  @Roles('admin', 'operator')
  @ApiOkResponse({ type: PromoCodePage })
  list(
    @Param('campaignId', ParseUUIDPipe) campaignId: string,
    @Query() query: ListPromoCodesQuery,
  ): Promise<Page<PromoCodeResponse>> {
    return this.codes.list(campaignId, query);
  }

  @Get('codes/:id')
  @Roles('admin', 'operator')
  @ApiOkResponse({ type: PromoCodeResponse })
  get(@Param('id', ParseUUIDPipe) id: string): Promise<PromoCodeResponse> {
    return this.codes.get(id);
  }

  @Patch('codes/:id')
  @Roles('admin')
  @ApiOkResponse({ type: PromoCodeResponse })
  @ApiErrorResponses({ status: 409, description: 'PROMO_CODE_TAKEN' })
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdatePromoCodeDto): Promise<PromoCodeResponse> {
    return this.codes.update(id, dto);
  }

  @Delete('codes/:id')
  @Roles('admin')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrorResponses({ status: 409, description: 'PROMO_CODE_HAS_REDEMPTIONS' })
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    return this.codes.remove(id);
  }
}
