import { Module } from '@nestjs/common';
import { platformModules } from '@otus/common';
import { postgresDatabase } from '@otus/common/postgres';
import { CampaignsModule } from './campaigns/campaigns.module';
import { CodesModule } from './codes/codes.module';
import { promoEnv } from './config';
import { migrations } from './migrations';
import { RedemptionsModule } from './redemptions/redemptions.module';
import { PromoWorkerModule } from './worker/promo-worker.module';

@Module({
  imports: [
    ...platformModules({
      service: 'promo',
      env: promoEnv,
      database: postgresDatabase({ urlVariable: 'PROMO_DB_URL', migrations }),
    }),
    CampaignsModule,
    CodesModule,
    RedemptionsModule,
    PromoWorkerModule,
  ],
})
export class AppModule {}
