import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { presentActivity, type ActivityRow } from './record-activity';
import { openEventStream } from './event-stream';

const activityItem = z.object({
  id: z.string(),
  type: z.string(),
  actor: z.string().nullable(),
  resource_type: z.string().nullable(),
  resource_id: z.string().nullable(),
  summary: z.string(),
  data: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});

export const activityRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/activity',
    summary: 'Recent activity of the tenant, newest first (cursor = id of the last item seen)',
    tags: ['activity'],
    auth: 'tenant',
    permission: 'activity:read',
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: z.coerce.number().int().positive().optional(),
      type: z.string().max(100).optional(),
    }),
    response: z.object({ items: z.array(activityItem), next_cursor: z.string().nullable() }),
    handler: async ({ ctx, query }) => {
      const rows = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<ActivityRow>(
          `SELECT id, type, actor, resource_type, resource_id, summary, data, created_at FROM activity
            WHERE ($1::bigint IS NULL OR id < $1) AND ($2::text IS NULL OR type = $2)
            ORDER BY id DESC LIMIT $3`,
          [query.before ?? null, query.type ?? null, query.limit],
        ),
      );
      const items = rows.rows.map(presentActivity);
      return { items, next_cursor: items.length === query.limit ? items[items.length - 1]!.id : null };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/activity/stream',
    summary: 'Live activity of the tenant as Server-Sent Events (event: activity, approval, …)',
    tags: ['activity'],
    auth: 'tenant',
    permission: 'activity:read',
    produces: ['text/event-stream'],
    handler: async ({ ctx, req, res }) => {
      openEventStream(ctx.services.bus, ctx.tenant.id, req, res);
    },
  }),
];
