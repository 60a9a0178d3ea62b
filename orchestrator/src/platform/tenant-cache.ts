import type { EventBus } from './bus';
import type { Db } from './db';

/**
 * A per-process cache of something a tenant changes rarely but every hot path reads (its active configuration, its
 * tool registry). Three ways out of the cache:
 *   1. the process that made the change drops its entry right after the commit (forget);
 *   2. every other replica drops it on the activity event the change emits, which the bus carries across replicas
 *      (Redis pub/sub);
 *   3. after maxAgeMs in any case: the bound on staleness should a pub/sub message be lost.
 * A failed load is not remembered. The cached value is shared by concurrent requests: read it, never mutate it.
 */
export interface TenantCache<T> {
  get(services: { db: Db; bus: EventBus }, tenantId: string): Promise<T>;
  /** Called after a change commits in this process. */
  forget(db: Db, tenantId: string): void;
}

interface Entry<T> {
  value: Promise<T>;
  at: number;
}

export function createTenantCache<T>(options: {
  /** The activity event types that make a cached value stale. */
  changedBy: ReadonlySet<string>;
  maxAgeMs: number;
  load: (db: Db, tenantId: string) => Promise<T>;
}): TenantCache<T> {
  // Per database handle, so test instances (each its own database) never share entries.
  const caches = new WeakMap<Db, Map<string, Entry<T>>>();
  const watched = new WeakMap<EventBus, Set<string>>();
  const cacheOf = (db: Db) => {
    let cache = caches.get(db);
    if (!cache) caches.set(db, (cache = new Map()));
    return cache;
  };
  const forget = (db: Db, tenantId: string) => void caches.get(db)?.delete(tenantId);

  function watch(services: { db: Db; bus: EventBus }, tenantId: string): void {
    let tenants = watched.get(services.bus);
    if (!tenants) watched.set(services.bus, (tenants = new Set()));
    if (tenants.has(tenantId)) return;
    tenants.add(tenantId);
    services.bus.subscribe(tenantId, (event) => {
      if (event.type === 'activity' && options.changedBy.has(String(event.data.type))) forget(services.db, tenantId);
    });
  }

  return {
    get(services, tenantId) {
      const cache = cacheOf(services.db);
      const hit = cache.get(tenantId);
      if (hit && Date.now() - hit.at < options.maxAgeMs) return hit.value;
      watch(services, tenantId);
      const entry: Entry<T> = { value: options.load(services.db, tenantId), at: Date.now() };
      cache.set(tenantId, entry);
      entry.value.catch(() => cache.get(tenantId) === entry && cache.delete(tenantId));
      return entry.value;
    },
    forget,
  };
}
