import { Module } from '@nestjs/common';
import { platformModules } from '@otus/common';
import { userEnv } from './config';

@Module({
  imports: [
    ...platformModules({
      service: 'user',
      env: userEnv,
      database: { kind: 'postgres', urlVariable: 'USER_DB_URL', migrations: [] },
    }),
  ],
})
export class AppModule {}
