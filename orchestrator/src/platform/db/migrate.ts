import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Umzug, type UmzugStorage } from 'umzug';
import type { MigrationConnection } from './types';

/**
 * SQL migrations from /migrations, applied in file-name order by umzug (a well-kept runner that lets
 * us plug in our own storage, so the same runner serves PostgreSQL and PGlite). Each file runs in its
 * own transaction together with its bookkeeping row, so a failed migration leaves nothing behind.
 */
export const MIGRATIONS_DIR = resolve(import.meta.dirname, '..', '..', '..', '..', 'migrations');

export function listMigrationFiles(dir = MIGRATIONS_DIR): string[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort();
}

function storage(conn: MigrationConnection): UmzugStorage {
  return {
    async logMigration() {
      /* recorded inside the migration's own transaction, see up() */
    },
    async unlogMigration({ name }) {
      await conn.query('DELETE FROM atrium_migrations WHERE name = $1', [name]);
    },
    async executed() {
      await conn.exec('CREATE TABLE IF NOT EXISTS atrium_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const r = await conn.query<{ name: string }>('SELECT name FROM atrium_migrations ORDER BY name');
      return r.rows.map((row) => row.name);
    },
  };
}

export interface MigrationOutcome {
  applied: string[];
  pending: string[];
}

export async function runMigrations(conn: MigrationConnection, dir = MIGRATIONS_DIR): Promise<MigrationOutcome> {
  const umzug = new Umzug({
    migrations: listMigrationFiles(dir).map((file) => ({
      name: file,
      async up() {
        const sql = readFileSync(join(dir, file), 'utf8');
        const escapedName = file.replace(/'/g, "''");
        await conn.exec(`BEGIN;\n${sql}\n;INSERT INTO atrium_migrations (name) VALUES ('${escapedName}');\nCOMMIT;`).catch(async (error) => {
          await conn.exec('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${file} failed: ${(error as Error).message}`, { cause: error });
        });
      },
    })),
    storage: storage(conn),
    logger: undefined,
  });
  const applied = await umzug.up();
  const pending = await umzug.pending();
  return { applied: applied.map((m) => m.name), pending: pending.map((m) => m.name) };
}
