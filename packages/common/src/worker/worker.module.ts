import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { WORKER_SERVICE_NAME, WorkerService } from './worker.service';

/** Polls the engine for every topic whose `@TaskHandler` provider is registered in the app. */
@Module({})
export class WorkerModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: WorkerModule,
      imports: [DiscoveryModule],
      providers: [{ provide: WORKER_SERVICE_NAME, useValue: service }, WorkerService],
      exports: [WorkerService],
    };
  }
}
