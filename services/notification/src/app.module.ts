import { Module } from '@nestjs/common';
import { platformModules } from '@otus/common';
import { notificationEnv } from './config';

@Module({
  imports: [
    ...platformModules({
      service: 'notification',
      env: notificationEnv,
      database: { kind: 'postgres', urlVariable: 'NOTIFICATION_DB_URL', migrations: [] },
    }),
  ],
})
export class AppModule {}
