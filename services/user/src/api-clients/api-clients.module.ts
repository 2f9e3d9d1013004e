import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiClient } from './api-client.entity';
import { ApiClientService } from './api-client.service';
import { ApiClientsController } from './api-clients.controller';

@Module({
  imports: [TypeOrmModule.forFeature([ApiClient])],
  controllers: [ApiClientsController],
  providers: [ApiClientService],
  exports: [ApiClientService],
})
export class ApiClientsModule {}
