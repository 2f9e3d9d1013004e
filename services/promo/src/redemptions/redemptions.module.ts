import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { Request } from 'express';
import type { PromoEnv } from '../config';
import { InternalRedemptionsController } from './internal-redemptions.controller';
import { PublicPromoCodesController } from './public-promo-codes.controller';
import { Redemption } from './redemption.entity';
import { RedemptionService } from './redemption.service';

@Module({
  imports: [
    TypeOrmModule.forFeature([Redemption]),
    // Only the public check uses ThrottlerGuard; workers and staff routes are not limited.
    ThrottlerModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<PromoEnv, true>) => ({
        throttlers: [
          {
            limit: config.get('PROMO_CHECK_RATE_LIMIT', { infer: true }),
            ttl: config.get('PROMO_CHECK_RATE_WINDOW', { infer: true }),
            // A sliding window: a check is allowed again as soon as the oldest in the window ages out.
            blockDuration: 0,
          },
        ],
        // req.ip is the client's address as the gateway saw it (configureApp trusts one proxy hop).
        getTracker: (req: Record<string, unknown>) => (req as unknown as Request).ip ?? '',
        errorMessage: (_context, { timeToBlockExpire }) =>
          `Too many promo code checks; try again in ${timeToBlockExpire} s`,
      }),
    }),
  ],
  controllers: [PublicPromoCodesController, InternalRedemptionsController],
  providers: [RedemptionService],
  exports: [RedemptionService],
})
export class RedemptionsModule {}
