import { randomBytes } from 'node:crypto';
import { assertOutboundUrl, BlockedDestinationError, InvalidUrlError } from '@atrium/connectors/http';
import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { mayReachPrivateNetwork } from '../destinations';
import { ENDPOINT_COLUMNS, type EndpointRow } from '../webhooks.presenter';

const MAX_ENDPOINTS = 20;

/** Registers an endpoint; its Standard Webhooks secret (whsec_ + base64 of 24 random bytes) is returned once. */
export async function createEndpoint({
  ctx,
  url,
  events,
  description,
}: {
  ctx: TenantContext;
  url: string;
  events: string[];
  description?: string;
}): Promise<{ endpoint: EndpointRow; secret: string }> {
  try {
    assertOutboundUrl(url, { allowPrivateNetworks: mayReachPrivateNetwork(url, ctx.services.config) });
  } catch (e) {
    if (e instanceof BlockedDestinationError || e instanceof InvalidUrlError) throw new AppError('VALIDATION', `url: ${e.message}`);
    throw e;
  }
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const endpoint = await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const count = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_endpoints WHERE tenant_id = $1', [ctx.tenant.id]);
    if (count.rows[0]!.n >= MAX_ENDPOINTS) throw new AppError('CONFLICT', `A tenant may have at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`);
    const r = await tx.query<EndpointRow>(
      `INSERT INTO webhook_endpoints (tenant_id, url, description, events, secret_sealed, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${ENDPOINT_COLUMNS}`,
      [ctx.tenant.id, url, description ?? null, [...new Set(events)], ctx.services.secrets.encrypt(secret), ctx.principal.subject],
    );
    const row = r.rows[0]!;
    await recordAudit(tx, ctx.tenant.id, {
      action: 'webhook_endpoint.created',
      actor: actorOf(ctx.principal),
      resource: { type: 'webhook_endpoint', id: row.id },
      data: { host: new URL(url).host, events: row.events },
      requestId: ctx.requestId,
    });
    await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
      type: 'webhook_endpoint.created',
      actor: ctx.principal.subject,
      resourceType: 'webhook_endpoint',
      resourceId: row.id,
      summary: `Webhook endpoint for ${new URL(url).host} added`,
    });
    return row;
  });
  return { endpoint, secret };
}

export async function deleteEndpoint({ ctx, id }: { ctx: TenantContext; id: string }): Promise<void> {
  await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const r = await tx.query<{ url: string }>('DELETE FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2 RETURNING url', [ctx.tenant.id, id]);
    if (!r.rows[0]) throw new AppError('NOT_FOUND', 'Webhook endpoint was not found');
    await recordAudit(tx, ctx.tenant.id, {
      action: 'webhook_endpoint.deleted',
      actor: actorOf(ctx.principal),
      resource: { type: 'webhook_endpoint', id },
      data: { host: new URL(r.rows[0].url).host },
      requestId: ctx.requestId,
    });
  });
}
