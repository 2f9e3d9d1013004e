import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiErrorResponses, Public } from '@otus/common';
import { CheckPromoCodeDto, PromoCheckResponse } from './dto/promo-check.dto';
import { RedemptionService } from './redemption.service';

/** The client form's preview of a code. Rate-limited per client: it tells whether a code exists. */
@ApiTags('public')
@Public()
@Controller('public/promo-codes')
export class PublicPromoCodesController {
  constructor(private readonly redemptions: RedemptionService) {}

  @Post('check')
  @HttpCode(200)
  @UseGuards(ThrottlerGuard)
  @ApiOkResponse({ type: PromoCheckResponse })
  @ApiErrorResponses({
    status: 429,
    description: 'TOO_MANY_REQUESTS: more than PROMO_CHECK_RATE_LIMIT checks in the window',
  })
  check(@Body() dto: CheckPromoCodeDto): Promise<PromoCheckResponse> {
    return this.redemptions.check(dto);
  }
}
