import { mkdirSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Db, MigrationConnection, Queryable, QueryResult, Tx } from './types';
import { withAfterCommit } from './after-commit';
import { APP_ROLE } from './types';
import { enterTenantScope, type TenantTransactionOptions } from './tenant-scope';

/**
 * Embedded PostgreSQL (PGlite, PG 18 + pgvector 0.8.7 in WASM). One in-process backend serialises
 * every query; its only user is a superuser, so after migrations the session switches to the
 * application role, which makes row-level security apply exactly as on the server path.
 */
export async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return PGlite.create({
    dataDir,
    extensions: { vector },
    parsers: { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) },
  });
}

/**
 * Runs PGlite's start-up (initdb, catalog loading, pgvector, migrations) on baseline (Liftoff) WASM
 * code only. Start-up runs a great deal of PostgreSQL's code a few times each; V8's tier-up would
 * recompile much of the 9 MB module with TurboFan on background threads (measured: ~2 s of CPU of a
 * ~5 s fresh open), which on a small machine competes with start-up itself. Tier-up is switched back
 * on afterwards so long-running hot paths can still be optimised.
 */
export async function withBaselineWasm<T>(fn: () => Promise<T>): Promise<T> {
  setFlagsFromString('--liftoff-only');
  try {
    return await fn();
  } finally {
    setFlagsFromString('--no-liftoff-only');
  }
}

const wrap = (q: { query: PGlite['query'] }): Queryable => ({
  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const r = await q.query<T>(sql, params as unknown[] | undefined);
    return { rows: r.rows, rowCount: r.affectedRows ?? r.rows.length };
  },
});

export function pgliteMigrationConnection(db: PGlite): MigrationConnection {
  return {
    exec: async (sql) => void (await db.exec(sql)),
    query: wrap(db).query,
    close: async () => undefined,
  };
}

export async function createPgliteDb(db: PGlite): Promise<Db> {
  await db.exec(`SET ROLE ${APP_ROLE}`);
  const inTransaction = async <T>(fn: (tx: Tx) => Promise<T>, tenantId?: string, options: TenantTransactionOptions = {}) => {
    let fire = () => undefined as void;
    const result = await db.transaction(async (raw) => {
      const scoped = wrap(raw);
      const rows = tenantId ? await enterTenantScope(scoped, tenantId, options) : undefined;
      const { tx, run, finals } = withAfterCommit(scoped, rows && options.lead ? { sql: options.lead, rows } : undefined);
      fire = run;
      const result = await fn(tx);
      for (const sql of finals) await raw.query(sql);
      return result;
    });
    fire();
    return result;
  };
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (fn) => inTransaction(fn),
    withTenant: (tenantId, fn, options) => inTransaction(fn, tenantId, options),
    async ping() {
      await db.query('SELECT 1');
    },
    close: async () => {
      if (!db.closed) await db.close();
    },
  };
}
