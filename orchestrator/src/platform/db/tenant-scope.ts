import { inlineStatement, type InlineValues } from './inlined-statement';
import type { Queryable } from './types';

/**
 * Tenant scoping lives here and nowhere else: inside a transaction, `app.tenant_id` is set with
 * `is_local = true`, so it can never leak to another transaction on a pooled or shared connection.
 * Every tenant table's RLS policy compares against `atrium_current_tenant()`, which reads it.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Planner and extension settings a transaction may carry from its first statement (`SET LOCAL` semantics), e.g.
 * `{ 'hnsw.ef_search': '150' }`. Names and values are restricted to plain words because they are inlined (below).
 * `app.tenant_id` is not one of them: only the tenant argument sets it.
 */
export type LocalSettings = Readonly<Record<string, string>>;

export interface TenantTransactionOptions {
  settings?: LocalSettings;
  /**
   * A transaction that only reads: opened READ ONLY (a write fails), and on PostgreSQL the caller gets its result
   * without waiting for the COMMIT round trip. For reads on a latency path (search, a turn's prompt reads).
   */
  readOnly?: boolean;
  /**
   * A statement the transaction starts with, sent in the BEGIN round trip; its rows are on `tx.lead`. Static SQL
   * written in code, whose one value is the tenant, written `:tenant` (inlined like the scope: the tenant must be
   * a uuid). For work every such transaction needs first, e.g. the audit chain's append lock and head.
   */
  lead?: string;
  /**
   * Values for the lead's other `:name` placeholders, inlined the same way (uuids, safe integers and plain words
   * only: inlined-statement.ts), e.g. the row a job locks before anything else.
   */
  leadValues?: InlineValues;
}

const SETTING_NAME = /^[a-z_]+(\.[a-z_]+)?$/;
const SETTING_VALUE = /^[A-Za-z0-9_]+$/;

function assertTenantId(tenantId: string): void {
  if (!UUID.test(tenantId)) throw new Error(`tenant scope needs a tenant uuid, got "${tenantId}"`);
}

const LEAD = /^SELECT [^;$']+$/;

/** The lead statement with the tenant in place of `:tenant` and its other values inlined (the tenant was checked). */
export function leadStatement(lead: string, tenant: string, values: InlineValues = {}): string {
  if (!LEAD.test(lead) || !lead.includes(':tenant')) throw new Error(`a lead statement is one SELECT naming :tenant, got "${lead}"`);
  return inlineStatement(lead, { ...values, tenant });
}

function settingEntries(settings: LocalSettings | undefined): [string, string][] {
  const entries = Object.entries(settings ?? {});
  for (const [name, value] of entries) {
    if (!SETTING_NAME.test(name) || name.startsWith('app.') || !SETTING_VALUE.test(value)) {
      throw new Error(`invalid transaction-local setting ${name}=${value}`);
    }
  }
  return entries;
}

/** PGlite's way into the scope (its transaction has begun): the scope, then the lead statement; returns the lead's rows. */
export async function enterTenantScope(
  tx: Queryable,
  tenantId: string,
  options: TenantTransactionOptions = {},
): Promise<Record<string, unknown>[] | undefined> {
  assertTenantId(tenantId);
  // PGlite's transaction() has already begun: SET TRANSACTION still may, before the first query
  if (options.readOnly) await tx.query('SET TRANSACTION READ ONLY');
  const extra = settingEntries(options.settings);
  const calls = extra.map((_, i) => `, set_config($${2 * i + 2}, $${2 * i + 3}, true)`).join('');
  await tx.query(`SELECT set_config('app.tenant_id', $1, true)${calls}`, [tenantId, ...extra.flat()]);
  if (options.lead) return (await tx.query<Record<string, unknown>>(leadStatement(options.lead, tenantId, options.leadValues))).rows;
  return undefined;
}

/**
 * BEGIN, the tenant scope and any local settings as one statement string, so opening a tenant transaction costs
 * one round trip instead of two or more (every chat turn opens several). Multi-statement strings go through the
 * simple query protocol, which takes no parameters: the values are inlined, safe only because the tenant must be
 * a uuid and settings plain words.
 */
export function beginInTenantScope(tenantId: string, options: TenantTransactionOptions = {}): string {
  assertTenantId(tenantId);
  const calls = settingEntries(options.settings)
    .map(([name, value]) => `, set_config('${name}', '${value}', true)`)
    .join('');
  const lead = options.lead ? `; ${leadStatement(options.lead, tenantId, options.leadValues)}` : '';
  return `BEGIN${options.readOnly ? ' READ ONLY' : ''}; SELECT set_config('app.tenant_id', '${tenantId}', true)${calls}${lead}`;
}
