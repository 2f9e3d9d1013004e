import { Module } from '@nestjs/common';
import { ApiClientsModule } from '../api-clients/api-clients.module';
import { KeysModule } from '../keys/keys.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { GatewayCheckController } from './gateway-check.controller';

@Module({
  imports: [UsersModule, KeysModule, ApiClientsModule],
  controllers: [AuthController, GatewayCheckController],
  providers: [AuthService],
})
export class StaffAuthModule {}
