import type { Services } from '../../platform/services';

/**
 * Group commit for inbound Chatwoot deliveries (migration 0403). Every delivery whose request completes in the same
 * event-loop turn is recorded by one statement per tenant; the caller still awaits its own row, so each 200 is sent
 * only after that delivery is committed. Idle, a batch is one delivery (no added wait: setImmediate, not a timer);
 * under load batches grow, and the round trips and syscalls per acknowledgement shrink instead of queueing.
 */
export interface DeliveryRow {
  tenantId: string;
  deliveryId: string;
  integrationId: string;
  event: string;
  payload: string;
  status: 'received' | 'ignored';
}

interface Waiting extends DeliveryRow {
  resolve: (rowId: string | null) => void;
  reject: (error: unknown) => void;
}

const MAX_BATCH = 200;
const queues = new WeakMap<Services, { items: Waiting[]; scheduled: boolean }>();

async function insert(services: Services, rows: Waiting[]): Promise<void> {
  const r = await services.db.query<{ delivery_id: string; id: string }>(
    `SELECT delivery_id, id FROM atrium_chatwoot_record_deliveries($1, $2::text[], $3::uuid[], $4::text[], $5::jsonb[], $6::text[])`,
    [
      rows[0]!.tenantId,
      rows.map((w) => w.deliveryId),
      rows.map((w) => w.integrationId),
      rows.map((w) => w.event),
      rows.map((w) => w.payload),
      rows.map((w) => w.status),
    ],
  );
  const inserted = new Map(r.rows.map((row) => [row.delivery_id, row.id]));
  for (const w of rows) {
    // a delivery id twice in one batch: the first caller gets the row, the second is the duplicate
    const id = inserted.get(w.deliveryId) ?? null;
    inserted.delete(w.deliveryId);
    w.resolve(id);
  }
}

async function flushTenant(services: Services, rows: Waiting[]): Promise<void> {
  try {
    await insert(services, rows);
  } catch (error) {
    if (rows.length === 1) return rows[0]!.reject(error);
    // one bad row must not fail its neighbours: record each alone so only that one gets the error
    await Promise.all(rows.map((w) => flushTenant(services, [w])));
  }
}

function flush(services: Services): void {
  const queue = queues.get(services)!;
  const batch = queue.items.splice(0, MAX_BATCH);
  queue.scheduled = queue.items.length > 0;
  if (queue.scheduled) setImmediate(() => flush(services));
  const byTenant = new Map<string, Waiting[]>();
  for (const w of batch) byTenant.set(w.tenantId, [...(byTenant.get(w.tenantId) ?? []), w]);
  for (const rows of byTenant.values()) void flushTenant(services, rows);
}

/** Records one delivery (with whatever arrives alongside it); resolves to its row id, or null for a known delivery id. */
export function recordDelivery(services: Services, row: DeliveryRow): Promise<string | null> {
  let queue = queues.get(services);
  if (!queue) queues.set(services, (queue = { items: [], scheduled: false }));
  const q = queue;
  return new Promise((resolve, reject) => {
    q.items.push({ ...row, resolve, reject });
    if (!q.scheduled) {
      q.scheduled = true;
      setImmediate(() => flush(services));
    }
  });
}
