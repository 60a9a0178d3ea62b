import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { listMigrationFiles, MIGRATIONS_DIR, runMigrations, type Db } from '../../orchestrator/src/platform/db';
import { createPostgresDb, createPostgresMigrationConnection } from '../../orchestrator/src/platform/db/postgres';

/**
 * Each test file gets its own real PostgreSQL database, cloned from a template that was migrated once
 * per migration set (CREATE DATABASE … TEMPLATE takes ~100 ms, migrating takes longer). The app handle
 * connects as atrium_app, so row-level security is exactly as in production.
 */
export const PG_HOST = process.env.ATRIUM_TEST_PG_HOST ?? '127.0.0.1';
export const PG_PORT = Number(process.env.ATRIUM_TEST_PG_PORT ?? 5432);
export const superuserUrl = (database: string) => `postgres://postgres@${PG_HOST}:${PG_PORT}/${database}`;
export const appUrl = (database: string) => `postgres://atrium_app@${PG_HOST}:${PG_PORT}/${database}`;

export function migrationsFingerprint(): string {
  const hash = createHash('sha256');
  for (const f of listMigrationFiles()) hash.update(f).update(readFileSync(join(MIGRATIONS_DIR, f)));
  return hash.digest('hex').slice(0, 16);
}

export const templateName = () => `atrium_template_${migrationsFingerprint()}`;

async function withSuperuser<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: superuserUrl('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates (once, under an advisory lock so parallel runs agree) the migrated template database. */
export async function ensureTemplateDatabase(): Promise<string> {
  const name = templateName();
  await withSuperuser(async (c) => {
    await c.query('SELECT pg_advisory_lock(727274)');
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (exists.rowCount) return;
      const building = `${name}_build`;
      await c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await c.query(`CREATE DATABASE ${building}`);
      const conn = await createPostgresMigrationConnection(superuserUrl(building));
      try {
        await runMigrations(conn);
      } finally {
        await conn.close();
      }
      await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      await c.query(`ALTER DATABASE ${name} WITH IS_TEMPLATE true`);
    } finally {
      await c.query('SELECT pg_advisory_unlock(727274)');
    }
  });
  return name;
}

export interface TestDatabase {
  name: string;
  /** Connection string of the application role (RLS applies). */
  url: string;
  /** Connection string of the superuser (for tamper tests and assertions that must see everything). */
  superuserUrl: string;
  db: Db;
  /** Runs SQL as the superuser on this database. */
  asSuperuser<T extends pg.QueryResultRow = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<pg.QueryResult<T>>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const template = await ensureTemplateDatabase();
  const name = `atrium_t_${randomBytes(6).toString('hex')}`;
  await withSuperuser((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${template}`));
  const db = createPostgresDb(appUrl(name), 5);
  const admin = new pg.Pool({ connectionString: superuserUrl(name), max: 2 });
  // pool.end() resolves once its idle clients are told to end, before their sockets close; DROP DATABASE … WITH
  // (FORCE) in drop() can then kill one, and an idle client's error re-emitted by a pool with no listener is an
  // uncaught exception that fails the whole run (seen once in CI: 57P01 "terminating connection due to
  // administrator command", attributed to whichever file was finishing).
  admin.on('error', () => undefined);
  return {
    name,
    url: appUrl(name),
    superuserUrl: superuserUrl(name),
    db,
    asSuperuser: (sql, params) => admin.query(sql, params),
    async drop() {
      await db.close();
      await admin.end();
      await withSuperuser((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
