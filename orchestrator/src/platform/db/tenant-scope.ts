import type { Queryable } from './types';

/**
 * Tenant scoping lives here and nowhere else: inside a transaction, `app.tenant_id` is set with
 * `is_local = true`, so it can never leak to another transaction on a pooled or shared connection.
 * Every tenant table's RLS policy compares against `atrium_current_tenant()`, which reads it.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function assertTenantId(tenantId: string): void {
  if (!UUID.test(tenantId)) throw new Error(`tenant scope needs a tenant uuid, got "${tenantId}"`);
}

export async function enterTenantScope(tx: Queryable, tenantId: string): Promise<void> {
  assertTenantId(tenantId);
  await tx.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
}

/**
 * BEGIN and the tenant scope as one statement string, so opening a tenant transaction costs one round trip
 * instead of two (every chat turn opens several). Multi-statement strings go through the simple query
 * protocol, which takes no parameters: the id is inlined, safe only because it must be a uuid.
 */
export function beginInTenantScope(tenantId: string): string {
  assertTenantId(tenantId);
  return `BEGIN; SELECT set_config('app.tenant_id', '${tenantId}', true)`;
}
