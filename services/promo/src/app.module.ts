import { Module } from '@nestjs/common';
import { platformModules } from '@otus/common';
import { promoEnv } from './config';

@Module({
  imports: [
    ...platformModules({
      service: 'promo',
      env: promoEnv,
      database: { kind: 'postgres', urlVariable: 'PROMO_DB_URL', migrations: [] },
    }),
  ],
})
export class AppModule {}
