import type { InlineValues } from './inlined-statement';
import type { TenantTransactionOptions } from './tenant-scope';

/** The one small interface every data-access function uses, whatever engine is behind it. */
export interface QueryResult<T> {
  rows: T[];
  rowCount: number;
}

export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
}

/** A transaction handle: queries plus hooks that run only if (and after) the transaction commits. */
export interface Tx extends Queryable {
  /** E.g. publish a live event or enqueue a job for a row that must exist first. Errors are logged, not thrown. */
  afterCommit(fn: () => void | Promise<void>): void;
  /** The rows of the transaction's lead statement (TenantTransactionOptions.lead), when it had one. */
  readonly lead?: { sql: string; rows: Record<string, unknown>[] };
  /**
   * A write sent with COMMIT, in its round trip, after everything the transaction sent before (inlined-statement.ts:
   * static SQL, values that are uuids, integers or plain words). Its rows and row count are not seen; if it fails,
   * the transaction rolls back and the caller gets the error. Not for a read-only transaction.
   */
  finalStatement(sql: string, values: InlineValues): void;
}

export interface Db extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /**
   * A transaction with no tenant set: row-level security hides every tenant row. For platform tables
   * (tenants, users) and SECURITY DEFINER look-ups only.
   */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * A transaction scoped to one tenant; the only place `app.tenant_id` is ever set. See tenant-scope.ts.
   * Options: transaction-local planner/extension settings applied in the same round trip as BEGIN, read-only.
   */
  withTenant<T>(tenantId: string, fn: (tx: Tx) => Promise<T>, options?: TenantTransactionOptions): Promise<T>;
  /** Liveness probe for /ready. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Connection used only by the migration runner: it may run multi-statement SQL as the schema owner. */
export interface MigrationConnection {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<T>>;
  close(): Promise<void>;
}

/** The role row-level security applies to; created by migration 0001. */
export const APP_ROLE = 'atrium_app';
