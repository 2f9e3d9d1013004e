import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysController } from './keys.controller';
import { KeyService } from './key.service';
import { SigningKey } from './signing-key.entity';

@Module({
  imports: [TypeOrmModule.forFeature([SigningKey])],
  controllers: [KeysController],
  providers: [KeyService],
  exports: [KeyService],
})
export class KeysModule {}
