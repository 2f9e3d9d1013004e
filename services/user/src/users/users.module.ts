import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RefreshToken } from '../auth/refresh-token.entity';
import { FirstAdmin } from './first-admin';
import { User } from './user.entity';
import { UserService } from './user.service';
import { MeController, UsersController } from './users.controller';

@Module({
  imports: [TypeOrmModule.forFeature([User, RefreshToken])],
  controllers: [UsersController, MeController],
  providers: [UserService, FirstAdmin],
  exports: [UserService],
})
export class UsersModule {}
