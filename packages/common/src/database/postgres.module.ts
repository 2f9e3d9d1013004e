import { ConfigService } from '@nestjs/config';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { MixedList } from 'typeorm';
import type { PlatformDatabase } from '../platform';

export interface PostgresOptions {
  /** Name of the env variable holding the connection URL, e.g. `COURSE_DB_URL`. */
  urlVariable: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for migration classes
  migrations: MixedList<Function>;
}

/** Settings shared by the services' connections and their TypeORM CLI data sources. */
export const POSTGRES_DEFAULTS = {
  type: 'postgres',
  // gen_random_uuid() is built into PostgreSQL 13+: no uuid-ossp extension to install.
  uuidExtension: 'pgcrypto',
  synchronize: false,
} as const;

/**
 * One PostgreSQL connection per service. The schema only changes through migrations,
 * run at start-up; `synchronize` stays off so a deploy never alters tables implicitly.
 */
export function postgresModule({ urlVariable, migrations }: PostgresOptions) {
  return TypeOrmModule.forRootAsync({
    inject: [ConfigService],
    useFactory: (config: ConfigService) => ({
      ...POSTGRES_DEFAULTS,
      url: config.getOrThrow<string>(urlVariable),
      autoLoadEntities: true,
      migrations,
      migrationsRun: true,
      // Start-up waits for a restarting database instead of crash-looping.
      retryAttempts: 30,
      retryDelay: 2_000,
      extra: { max: 10, connectionTimeoutMillis: 5_000 },
    }),
  });
}

/** The service's database for `platformModules`. */
export function postgresDatabase(options: PostgresOptions): PlatformDatabase {
  return { kind: 'postgres', module: postgresModule(options) };
}
