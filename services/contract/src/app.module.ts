import { Module } from '@nestjs/common';
import { platformModules } from '@otus/common';
import { contractEnv } from './config';

@Module({
  imports: [
    ...platformModules({
      service: 'contract',
      env: contractEnv,
      database: { kind: 'mongo', urlVariable: 'CONTRACT_MONGO_URL' },
    }),
  ],
})
export class AppModule {}
