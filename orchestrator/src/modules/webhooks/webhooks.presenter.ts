import { grantedAbilities } from '../../platform/http/abilities';
import type { TenantContext } from '../../platform/http/context';

export interface EndpointRow {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  enabled: boolean;
  secret_sealed: string;
  created_by: string;
  created_at: Date;
}

export const ENDPOINT_COLUMNS = 'id, url, description, events, enabled, secret_sealed, created_by, created_at';

/** DELETE /v1/admin/webhooks/:id and GET …/:id/deliveries, each guarded by its route's permission. */
const ENDPOINT_GUARDS = { delete: 'webhooks:manage', deliveries: 'webhooks:manage' } as const;

export const presentEndpoint = (ctx: TenantContext, e: EndpointRow) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: e.events,
  enabled: e.enabled,
  created_by: e.created_by,
  created_at: new Date(e.created_at).toISOString(),
  abilities: grantedAbilities(ctx, ENDPOINT_GUARDS),
});

export interface DeliveryRow {
  id: string;
  message_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: Date;
  delivered_at: Date | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

export const presentDelivery = (d: DeliveryRow) => ({
  id: d.id,
  message_id: d.message_id,
  event_type: d.event_type,
  status: d.status,
  attempts: d.attempts,
  next_attempt_at: d.status === 'pending' ? iso(d.next_attempt_at) : null,
  last_status_code: d.last_status_code,
  last_error: d.last_error,
  created_at: new Date(d.created_at).toISOString(),
  delivered_at: iso(d.delivered_at),
});
