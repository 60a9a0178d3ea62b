import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { AppError } from '../../platform/errors';
import { createEndpoint, deleteEndpoint } from './commands/create-endpoint';
import { createdEndpointSchema, createEndpointBody, deliveriesQuery, deliverySchema, endpointIdParams, endpointSchema } from './webhooks.schema';
import { ENDPOINT_COLUMNS, presentDelivery, presentEndpoint, type DeliveryRow, type EndpointRow } from './webhooks.presenter';

const tags = ['webhooks'];

export const webhookRoutes = [
  defineRoute({
    method: 'post',
    path: '/v1/admin/webhooks',
    summary: 'Subscribe an endpoint to Atrium events (Standard Webhooks signing; the secret is shown once)',
    tags,
    auth: 'tenant',
    permission: 'webhooks:manage',
    body: createEndpointBody,
    response: createdEndpointSchema,
    status: 201,
    handler: async ({ ctx, body }) => {
      const { endpoint, secret } = await createEndpoint({ ctx, ...body });
      return { ...presentEndpoint(ctx, endpoint), secret };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/webhooks',
    summary: 'Webhook endpoints of the tenant',
    tags,
    auth: 'tenant',
    permission: 'webhooks:manage',
    response: z.object({ items: z.array(endpointSchema) }),
    handler: async ({ ctx }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<EndpointRow>(`SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE tenant_id = $1 ORDER BY created_at`, [ctx.tenant.id]),
      );
      return { items: r.rows.map((e) => presentEndpoint(ctx, e)) };
    },
  }),
  defineRoute({
    method: 'delete',
    path: '/v1/admin/webhooks/:id',
    summary: 'Delete an endpoint (its pending deliveries are dropped)',
    tags,
    auth: 'tenant',
    permission: 'webhooks:manage',
    params: endpointIdParams,
    status: 204,
    handler: ({ ctx, params }) => deleteEndpoint({ ctx, id: params.id }),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/webhooks/:id/deliveries',
    summary: 'Delivery log of an endpoint, newest first',
    tags,
    auth: 'tenant',
    permission: 'webhooks:manage',
    params: endpointIdParams,
    query: deliveriesQuery,
    response: z.object({ items: z.array(deliverySchema) }),
    handler: async ({ ctx, params, query }) => {
      const rows = await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
        const exists = await tx.query('SELECT 1 FROM webhook_endpoints WHERE tenant_id = $1 AND id = $2', [ctx.tenant.id, params.id]);
        if (!exists.rowCount) throw new AppError('NOT_FOUND', 'Webhook endpoint was not found');
        const r = await tx.query<DeliveryRow>(
          `SELECT id, message_id, event_type, status, attempts, next_attempt_at, last_status_code, last_error, created_at, delivered_at
           FROM outbound_webhook_deliveries WHERE tenant_id = $1 AND endpoint_id = $2 AND ($3::text IS NULL OR status = $3)
           ORDER BY created_at DESC, id LIMIT $4`,
          [ctx.tenant.id, params.id, query.status ?? null, query.limit],
        );
        return r.rows;
      });
      return { items: rows.map(presentDelivery) };
    },
  }),
];
