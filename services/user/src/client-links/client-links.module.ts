import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../keys/keys.module';
import { ClientLink } from './client-link.entity';
import { ClientLinkService } from './client-link.service';
import { ClientLinksController } from './client-links.controller';

@Module({
  imports: [TypeOrmModule.forFeature([ClientLink]), KeysModule],
  controllers: [ClientLinksController],
  providers: [ClientLinkService],
  exports: [ClientLinkService],
})
export class ClientLinksModule {}
