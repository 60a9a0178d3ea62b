import { join } from 'node:path';
import type { Config } from '../config';
import type { Db } from './types';
import { createPostgresDb, createPostgresMigrationConnection } from './postgres';
import { createPgliteDb, openPglite, pgliteMigrationConnection } from './pglite';
import { runMigrations, type MigrationOutcome } from './migrate';

export type { Db, Queryable, QueryResult, MigrationConnection, Tx } from './types';
export { APP_ROLE } from './types';
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
  const pglite = await openPglite(join(config.ATRIUM_DATA_DIR, 'pglite'));
  const migrations = await runMigrations(pgliteMigrationConnection(pglite));
  return { db: await createPgliteDb(pglite), migrations };
}
