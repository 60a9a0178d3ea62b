import type { Db } from '../../platform/db';
import type { EventBus } from '../../platform/bus';
import type { TenantConfig } from './tenant-config.schema';
import { getTenantConfig } from './tenant-lookup';

/**
 * The active tenant configuration, cached per process for the hot paths (every chat turn reads it
 * before anything else; it changes only when someone publishes or rolls back). Three ways out of the cache:
 *   1. the publishing process drops its entry right after the commit (forgetTenantConfig);
 *   2. every other replica drops it on the activity event that publish and rollback emit, which the
 *      bus carries across replicas (Redis pub/sub);
 *   3. after MAX_AGE_MS in any case: the bound on staleness should a pub/sub message be lost.
 * The returned config is shared by concurrent turns: read it, never mutate it.
 */
const MAX_AGE_MS = 30_000;
const CHANGED = new Set(['config.published', 'config.rolled_back']);

type Active = { version: number; config: TenantConfig };
interface Entry {
  value: Promise<Active>;
  at: number;
}

const caches = new WeakMap<Db, Map<string, Entry>>();
const watched = new WeakMap<EventBus, Set<string>>();

function cacheOf(db: Db): Map<string, Entry> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

function watch(services: { db: Db; bus: EventBus }, tenantId: string): void {
  let tenants = watched.get(services.bus);
  if (!tenants) watched.set(services.bus, (tenants = new Set()));
  if (tenants.has(tenantId)) return;
  tenants.add(tenantId);
  services.bus.subscribe(tenantId, (event) => {
    if (event.type === 'activity' && CHANGED.has(String(event.data.type))) forgetTenantConfig(services.db, tenantId);
  });
}

export function cachedTenantConfig(services: { db: Db; bus: EventBus }, tenantId: string): Promise<Active> {
  const cache = cacheOf(services.db);
  const hit = cache.get(tenantId);
  if (hit && Date.now() - hit.at < MAX_AGE_MS) return hit.value;
  watch(services, tenantId);
  const entry: Entry = { value: getTenantConfig(services.db, tenantId), at: Date.now() };
  cache.set(tenantId, entry);
  // A failed read is not remembered.
  entry.value.catch(() => cache.get(tenantId) === entry && cache.delete(tenantId));
  return entry.value;
}

/** Called after a new configuration version commits in this process. */
export function forgetTenantConfig(db: Db, tenantId: string): void {
  caches.get(db)?.delete(tenantId);
}
