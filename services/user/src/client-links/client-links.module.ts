import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { KeysModule } from '../keys/keys.module';
import { ClientLink } from './client-link.entity';
import { ClientLinkService } from './client-link.service';
import { ClientLinksController } from './client-links.controller';
import { InternalClientLinksController } from './internal-client-links.controller';
import { RetiredClientLink } from './retired-client-link.entity';

@Module({
  imports: [TypeOrmModule.forFeature([ClientLink, RetiredClientLink]), KeysModule],
  controllers: [ClientLinksController, InternalClientLinksController],
  providers: [ClientLinkService],
  exports: [ClientLinkService],
})
export class ClientLinksModule {}
