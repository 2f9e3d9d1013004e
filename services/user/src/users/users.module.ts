import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoginEvent } from '../auth/login-event.entity';
import { LoginThrottle } from '../auth/login-throttle.entity';
import { LoginThrottleService } from '../auth/login-throttle.service';
import { RefreshToken } from '../auth/refresh-token.entity';
import { FirstAdmin } from './first-admin';
import { User } from './user.entity';
import { UserService } from './user.service';
import { MeController, UsersController } from './users.controller';

@Module({
  imports: [TypeOrmModule.forFeature([User, RefreshToken, LoginThrottle, LoginEvent])],
  controllers: [UsersController, MeController],
  providers: [UserService, FirstAdmin, LoginThrottleService],
  exports: [UserService, LoginThrottleService],
})
export class UsersModule {}
