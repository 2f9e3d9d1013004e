import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WorkerService } from './worker.service';

/** Polls the engine for every topic whose `@TaskHandler` provider is registered in the app. */
@Module({
  imports: [DiscoveryModule],
  providers: [WorkerService],
  exports: [WorkerService],
})
export class WorkerModule {}
