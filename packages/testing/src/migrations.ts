import { randomUUID } from 'node:crypto';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { POSTGRES_DEFAULTS } from '@otus/common/postgres';

export interface MigrationCheck {
  /** Migrations run, in order, on an empty database. */
  applied: string[];
  /** SQL TypeORM would still run to match the entities: empty when migrations and entities agree. */
  drift: string[];
  /** Tables left after reverting every migration (only TypeORM's own bookkeeping should remain). */
  tablesAfterRevert: string[];
}

/** Runs a service's migrations on a fresh database beside its own, compares with the entities, reverts them. */
export async function checkMigrations(
  url: string,
  { entities, migrations }: Pick<DataSourceOptions, 'entities' | 'migrations'>,
): Promise<MigrationCheck> {
  const name = `migration_check_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new DataSource({ ...POSTGRES_DEFAULTS, url });
  await admin.initialize();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const fresh = new DataSource({ ...POSTGRES_DEFAULTS, url: target.toString(), entities, migrations });
  try {
    await fresh.initialize();
    const applied = (await fresh.runMigrations()).map((m) => m.name);
    const drift = (await fresh.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
    for (let i = 0; i < applied.length; i++) await fresh.undoLastMigration();
    const tables: { table_name: string }[] = await fresh.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    return { applied, drift, tablesAfterRevert: tables.map((t) => t.table_name) };
  } finally {
    if (fresh.isInitialized) await fresh.destroy();
    await admin.query(`DROP DATABASE ${name}`);
    await admin.destroy();
  }
}
