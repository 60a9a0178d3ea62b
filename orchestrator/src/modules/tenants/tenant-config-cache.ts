import type { Db } from '../../platform/db';
import type { EventBus } from '../../platform/bus';
import { createTenantCache } from '../../platform/tenant-cache';
import type { TenantConfig } from './tenant-config.schema';
import { getTenantConfig } from './tenant-lookup';

/**
 * The active tenant configuration, cached per process for the hot paths (every chat turn reads it before anything
 * else; it changes only when someone publishes or rolls back). See platform/tenant-cache.ts for how entries leave.
 */
type Active = { version: number; config: TenantConfig };

const configs = createTenantCache<Active>({
  changedBy: new Set(['config.published', 'config.rolled_back']),
  maxAgeMs: 30_000,
  load: getTenantConfig,
});

export function cachedTenantConfig(services: { db: Db; bus: EventBus }, tenantId: string): Promise<Active> {
  return configs.get(services, tenantId);
}

/** Called after a new configuration version commits in this process. */
export function forgetTenantConfig(db: Db, tenantId: string): void {
  configs.forget(db, tenantId);
}
