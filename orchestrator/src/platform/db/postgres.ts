import pg from 'pg';
import type { Db, MigrationConnection, Queryable, QueryResult, Tx } from './types';
import { withAfterCommit } from './after-commit';
import { beginInTenantScope, type TenantTransactionOptions } from './tenant-scope';

// int8 (counts, sequence numbers) and numeric (costs) as JS numbers: our values stay far below 2^53,
// and PGlite is configured the same way, so both engines return identical shapes.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/**
 * Parameterised statements run as named prepared statements: each connection parses a statement text once, and later
 * executions send only its parameters. On loopback the sender's write carries the whole TCP path, so the bytes of a
 * long statement (hybrid search, a turn's CTEs) re-sent on every call cost the API real CPU, and PostgreSQL re-parsed
 * them. PostgreSQL's plan cache then plans a statement for its first calls and may keep a generic plan after that
 * (no planning at all: most of a short statement's server time); search, whose plan depends on transaction-local
 * settings, opts out (knowledge/retrieval/vector.ts). Texts built with a variable shape get a name each, up to a bound.
 */
const MAX_NAMED = 1_000;
const statementNames = new Map<string, string>();
function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql);
  if (!name && statementNames.size < MAX_NAMED) statementNames.set(sql, (name = `atrium_${statementNames.size}`));
  return name;
}

const wrap = (client: pg.PoolClient | pg.Client | pg.Pool): Queryable => ({
  async query<T>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>> {
    const name = params?.length ? statementName(sql) : undefined;
    const r = name ? await client.query({ name, text: sql, values: params as unknown[] }) : await client.query(sql, params as unknown[] | undefined);
    return { rows: r.rows as T[], rowCount: r.rowCount ?? r.rows.length };
  },
});

export function createPostgresDb(url: string, poolSize: number): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, idleTimeoutMillis: 30_000 });
  pool.on('error', () => undefined); // idle client errors surface on the next query; don't crash the process
  let closing: Promise<void> | undefined;

  async function inTransaction<T>(fn: (tx: Tx) => Promise<T>, tenantId?: string, options: TenantTransactionOptions = {}): Promise<T> {
    const client = await pool.connect();
    let released = false;
    try {
      const begun = (await client.query(tenantId ? beginInTenantScope(tenantId, options) : 'BEGIN')) as unknown as pg.QueryResult[];
      // a multi-statement string yields one result per statement: the lead statement's is the last
      const lead = options.lead && tenantId ? { sql: options.lead, rows: begun.at(-1)!.rows as Record<string, unknown>[] } : undefined;
      const { tx, run, finals } = withAfterCommit(wrap(client), lead);
      const result = await fn(tx);
      if (options.readOnly) {
        if (finals.length) throw new Error('a read-only transaction has no final statement');
        // Nothing to make durable: the reads are done, so the caller goes on while COMMIT ends the snapshot;
        // the connection returns to the pool only after it (a failed COMMIT discards the connection).
        released = true;
        client.query('COMMIT').then(
          () => (client.release(), run()),
          (error: Error) => client.release(error),
        );
        return result;
      }
      // final statements and COMMIT as one string: if one fails, the rest is skipped and the catch rolls back
      await client.query(finals.length ? `${finals.join('; ')}; COMMIT` : 'COMMIT');
      run();
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      if (!released) client.release();
    }
  }

  return {
    kind: 'postgres',
    ...wrap(pool),
    transaction: (fn) => inTransaction(fn),
    withTenant: (tenantId, fn, options) => inTransaction(fn, tenantId, options),
    async ping() {
      await pool.query('SELECT 1');
    },
    close: () => (closing ??= pool.end()),
  };
}

export async function createPostgresMigrationConnection(url: string): Promise<MigrationConnection> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    exec: async (sql) => void (await client.query(sql)),
    query: wrap(client).query,
    close: () => client.end(),
  };
}
