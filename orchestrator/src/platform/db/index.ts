import type { Config } from '../config';
import type { Db } from './types';
import { createPostgresDb, createPostgresMigrationConnection } from './postgres';
import { createPgliteDb, openPglite, pgliteMigrationConnection, withBaselineWasm } from './pglite';
import { pgliteDataDir, preparedPglite } from './pglite-prepare';
import { runMigrations, type MigrationOutcome } from './migrate';

export type { Db, Queryable, QueryResult, MigrationConnection, Tx } from './types';
export type { TenantTransactionOptions } from './tenant-scope';
export { withParts, type StatementPart } from './statement-parts';
export { APP_ROLE } from './types';
export { pgliteDataDir, startPreparingPglite } from './pglite-prepare';
export { runMigrations, listMigrationFiles, MIGRATIONS_DIR } from './migrate';

export interface OpenedDatabase {
  db: Db;
  migrations: MigrationOutcome;
}

/** Opens the configured database, migrating first (idempotent), and returns the app-role handle. */
export async function openDatabase(config: Config, options: { migrate?: boolean } = {}): Promise<OpenedDatabase> {
  const migrate = options.migrate ?? true;
  if (config.DATABASE_URL) {
    let migrations: MigrationOutcome = { applied: [], pending: [] };
    if (migrate) {
      const conn = await createPostgresMigrationConnection(config.DATABASE_MIGRATION_URL ?? config.DATABASE_URL);
      try {
        migrations = await runMigrations(conn);
      } finally {
        await conn.close();
      }
    }
    return { db: createPostgresDb(config.DATABASE_URL, config.DATABASE_POOL_SIZE), migrations };
  }
  const dataDir = pgliteDataDir(config);
  await preparedPglite(dataDir); // a fresh folder may be being prepared on a worker thread (see cli.ts)
  return withBaselineWasm(async () => {
    const pglite = await openPglite(dataDir);
    const migrations = await runMigrations(pgliteMigrationConnection(pglite));
    return { db: await createPgliteDb(pglite), migrations };
  });
}
