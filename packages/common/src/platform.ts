import type { DynamicModule, Type } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { ServiceInfoModule } from './http/service-info.module';
import type { z } from 'zod';
import { configModule } from './config/env';
import { DatabaseKind, HealthModule } from './health/health.module';
import { loggerModule } from './logging/logger.module';
import { MetricsModule } from './metrics/metrics.module';
import { WorkerModule } from './worker/worker.module';

export interface PlatformOptions {
  /** Short service name: log field, metric label, worker id prefix. */
  service: string;
  env: z.ZodType<Record<string, unknown>>;
  /** `postgresDatabase(…)` from `@otus/common/postgres` or `mongoDatabase(…)` from `@otus/common/mongo`. */
  database: PlatformDatabase;
}

/** A service's database connection and the kind its health check pings. */
export interface PlatformDatabase {
  kind: DatabaseKind;
  module: DynamicModule;
}

/** Everything a service needs besides its features: config, logs, metrics, database, health, auth, worker. */
export function platformModules({
  service,
  env,
  database,
}: PlatformOptions): (DynamicModule | Promise<DynamicModule> | Type)[] {
  return [
    configModule(env),
    ServiceInfoModule.forRoot(service),
    loggerModule(service),
    MetricsModule.forRoot(service),
    database.module,
    HealthModule.forRoot(database.kind),
    AuthModule,
    WorkerModule,
  ];
}
