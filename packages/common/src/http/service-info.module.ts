import { DynamicModule, Global, Module } from '@nestjs/common';

/** The short service name ('course'): log field, metric label, worker id prefix, API title. */
export const SERVICE_NAME = Symbol('SERVICE_NAME');

@Global()
@Module({})
export class ServiceInfoModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: ServiceInfoModule,
      providers: [{ provide: SERVICE_NAME, useValue: service }],
      exports: [SERVICE_NAME],
    };
  }
}
