import { randomUUID } from 'node:crypto';
import { ConsoleLogger, type LogLevel, type ModuleMetadata, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Test, type TestingModule } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { validateEnv } from '@otus/common';
import { POSTGRES_DEFAULTS } from '@otus/common/postgres';
import { DataSource, type MixedList } from 'typeorm';
import { stackEnv } from './stack-env';

/** Throw-away databases are named `svc_<label>_<unix seconds>_<random>`; the time lets a later run drop leftovers. */
const PREFIX = 'svc_';
const STALE_AFTER_S = 3_600;
let leftoversDropped = false;

export interface ThrowawayDatabase {
  /** Connection URL of the new, empty database. */
  url: string;
  name: string;
  /** Drops it, closing whatever connections are still open to it. */
  drop(): Promise<void>;
}

/** Runs `work` on a short-lived connection to the database at `url` (the stack's, for CREATE/DROP DATABASE). */
async function withConnection<T>(url: string, work: (db: DataSource) => Promise<T>): Promise<T> {
  const db = new DataSource({ ...POSTGRES_DEFAULTS, url, extra: { max: 1 } });
  await db.initialize();
  try {
    return await work(db);
  } finally {
    await db.destroy();
  }
}

/**
 * Drops database `name`, closing the connections still open to it. FORCE terminates them, but
 * PostgreSQL 15 refuses it when an autovacuum worker is in the database (its process has no role
 * the caller could be a member of); a plain DROP cancels autovacuum itself and waits up to 5 s for
 * closing backends, so it is the fallback.
 */
export async function dropDatabase(admin: DataSource, name: string): Promise<void> {
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } catch (e) {
    if ((e as { code?: string }).code !== '42501') throw e; // insufficient_privilege
    await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
  }
}

/**
 * A new, empty database on the PostgreSQL server of `serverUrl` (a service's stack database:
 * its role may create databases), for one test or one test file. Databases of earlier runs
 * that never dropped theirs (a killed run) are dropped on the first call, once they are an hour old.
 */
export async function createThrowawayDatabase(serverUrl: string, label: string): Promise<ThrowawayDatabase> {
  const now = Math.floor(Date.now() / 1000);
  const name = `${PREFIX}${label.toLowerCase().replace(/[^a-z0-9]/g, '_')}_${now}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
  await withConnection(serverUrl, async (admin) => {
    if (!leftoversDropped) {
      leftoversDropped = true;
      const rows: { datname: string }[] = await admin.query(
        `SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`,
      );
      for (const { datname } of rows) {
        const created = Number(/_(\d{10})_[0-9a-f]+$/.exec(datname)?.[1] ?? now);
        if (now - created > STALE_AFTER_S) await dropDatabase(admin, datname);
      }
    }
    await admin.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => withConnection(serverUrl, (admin) => dropDatabase(admin, name)),
  };
}

export interface ServiceModuleOptions {
  /** Used in the database's name, e.g. `user-keys`. */
  label: string;
  /** The service's environment schema (its `config.ts`), validated as at the service's start-up. */
  env: Parameters<typeof validateEnv>[0];
  /** Variables on top of the stack's (`.stack/env.json`), for this module only: e.g. a short lock; undefined unsets one. */
  envOverrides?: Record<string, string | undefined>;
  /** The service's connection variable (`USER_DB_URL`) and migrations: they run on the fresh database. */
  postgres: {
    urlVariable: string;
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own type for migration classes
    migrations: MixedList<Function>;
  };
  /** The service's feature modules under test (not its AppModule: no worker, no engine, no HTTP). */
  imports: NonNullable<ModuleMetadata['imports']>;
  providers?: ModuleMetadata['providers'];
}

export interface ServiceTestModule {
  module: TestingModule;
  /** The module's own connection to its throw-away database. */
  db: DataSource;
  database: ThrowawayDatabase;
  /** A provider of any imported module, exported or not. */
  get<T>(type: Type<T>): T;
  /** Closes the module (its connection pool) and drops the database. */
  close(): Promise<void>;
}

/** As the services' own pools (postgresModule). */
const POOL_SIZE = 10;
const LOG_LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/**
 * A service's feature modules on a database of their own: a fresh PostgreSQL database on the
 * stack's server with the service's migrations run on it (as at start-up), and the service's
 * configuration validated from the stack's settings plus `envOverrides`, without touching
 * `process.env` — so tests of one file, and test files in parallel workers, never share data.
 * No engine, worker, gateway, metrics endpoint or HTTP server: the services are called directly.
 */
export async function createServiceModule(options: ServiceModuleOptions): Promise<ServiceTestModule> {
  const stack = stackEnv();
  const serverUrl = stack[options.postgres.urlVariable];
  if (!serverUrl) throw new Error(`The stack has no ${options.postgres.urlVariable}`);
  const database = await createThrowawayDatabase(serverUrl, options.label);
  try {
    const env: Record<string, string | undefined> = {
      ...stack,
      LOG_LEVEL: 'warn',
      ...options.envOverrides,
      [options.postgres.urlVariable]: database.url,
    };
    for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
    // ConfigModule copies what it validated into process.env (where unset): keep process.env as it was.
    const before = new Set(Object.keys(process.env));
    const config = ConfigModule.forRoot({
      isGlobal: true,
      cache: true,
      ignoreEnvFile: true,
      validatePredefined: false,
      skipProcessEnv: true,
      validate: () => validateEnv(options.env)(env),
    });
    for (const key of Object.keys(process.env)) if (!before.has(key)) delete process.env[key];
    const level = (process.env.TEST_LOG_LEVEL ?? 'error') as LogLevel;
    const module = await Test.createTestingModule({
      imports: [
        config,
        TypeOrmModule.forRoot({
          ...POSTGRES_DEFAULTS,
          url: database.url,
          autoLoadEntities: true,
          migrations: options.postgres.migrations,
          migrationsRun: true,
          retryAttempts: 0,
          extra: { max: POOL_SIZE, connectionTimeoutMillis: 5_000 },
        }),
        ...options.imports,
      ],
      providers: options.providers ?? [],
    })
      .setLogger(new ConsoleLogger({ logLevels: LOG_LEVELS.slice(0, LOG_LEVELS.indexOf(level) + 1) }))
      .compile();
    await module.init();
    const db = module.get(DataSource);
    // Open the whole pool now: otherwise the first of several racing calls runs alone while the
    // others wait for new connections, and a race a test sets up never happens.
    await Promise.all(Array.from({ length: POOL_SIZE }, () => db.query('SELECT pg_sleep(0.05)')));
    return {
      module,
      db,
      database,
      get: (type) => module.get(type, { strict: false }),
      close: async () => {
        try {
          await module.close();
        } finally {
          await database.drop();
        }
      },
    };
  } catch (e) {
    await database.drop();
    throw e;
  }
}
