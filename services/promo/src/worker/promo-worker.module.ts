import { Module } from '@nestjs/common';
import { RedemptionsModule } from '../redemptions/redemptions.module';
import { RedeemPromoHandler } from './redeem-promo.handler';
import { ReleasePromoHandler } from './release-promo.handler';
import { ValidatePromoHandler } from './validate-promo.handler';

@Module({
  imports: [RedemptionsModule],
  providers: [ValidatePromoHandler, RedeemPromoHandler, ReleasePromoHandler],
})
export class PromoWorkerModule {}
