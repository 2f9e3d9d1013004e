import { Module } from '@nestjs/common';
import { platformModules } from '@otus/common';
import { postgresDatabase } from '@otus/common/postgres';
import { ApiClientsModule } from './api-clients/api-clients.module';
import { StaffAuthModule } from './auth/auth.module';
import { ClientLinksModule } from './client-links/client-links.module';
import { userEnv } from './config';
import { KeysModule } from './keys/keys.module';
import { migrations } from './migrations';
import { UsersModule } from './users/users.module';
import { UserWorkerModule } from './worker/user-worker.module';

@Module({
  imports: [
    ...platformModules({
      service: 'user',
      env: userEnv,
      database: postgresDatabase({ urlVariable: 'USER_DB_URL', migrations }),
    }),
    KeysModule,
    UsersModule,
    StaffAuthModule,
    ApiClientsModule,
    ClientLinksModule,
    UserWorkerModule,
  ],
})
export class AppModule {}
