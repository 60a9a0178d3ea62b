import { z } from 'zod';
import { AppError } from '../../platform/errors';
import { defineRoute } from '../../platform/http/route';
import {
  auditExportBody,
  auditItemSchema,
  auditListQuery,
  complianceSchema,
  dsarBody,
  dsarSchema,
  idParams,
  usageQuery,
  usageSchema,
} from './governance.schema';
import { presentAuditRow, presentDsar, type DsarRow } from './governance.presenter';
import { listAuditRows } from './commands/query-audit-log';
import { exportAuditLog } from './commands/export-audit-log';
import { requestDsar } from './commands/request-dsar';
import { readDsarArchive } from './commands/read-dsar-archive';
import { usageReport } from './commands/usage-report';
import { complianceReport } from './commands/compliance-report';

const DSAR_COLUMNS = 'id, type, status, requested_by, summary, archive IS NOT NULL AS has_archive, error, created_at, completed_at, expires_at';

export const governanceRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/admin/audit-logs',
    summary: 'Audit log, newest first, filtered by actor, action, resource and time (cursor pagination)',
    tags: ['governance'],
    auth: 'tenant',
    permission: 'audit:read',
    query: auditListQuery,
    response: z.object({ items: z.array(auditItemSchema), next_cursor: z.string().nullable() }),
    handler: async ({ ctx, query }) => {
      const { cursor, limit, ...filter } = query;
      const rows = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        listAuditRows(tx, ctx.tenant.id, filter, cursor ? Number(cursor) : undefined, limit),
      );
      const items = rows.map(presentAuditRow);
      return { items, next_cursor: items.length === limit ? String(items[items.length - 1]!.seq) : null };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/v1/admin/audit-logs/export',
    summary: 'Stream the audit log as JSONL or CSV, led by the chain verification result',
    tags: ['governance'],
    auth: 'tenant',
    permission: 'audit:export',
    body: auditExportBody,
    produces: ['application/x-ndjson', 'text/csv'],
    handler: async ({ ctx, body, res }) => exportAuditLog(ctx, body, res),
  }),
  defineRoute({
    method: 'post',
    path: '/v1/admin/dsar',
    summary: 'Open a data-subject request (export or delete) for a user or an email; runs as a job',
    tags: ['governance'],
    auth: 'tenant',
    permission: 'dsar:manage',
    body: dsarBody,
    response: dsarSchema,
    status: 202,
    handler: async ({ ctx, body }) => presentDsar(await requestDsar({ ctx, input: body })),
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/dsar',
    summary: 'Data-subject request history, newest first',
    tags: ['governance'],
    auth: 'tenant',
    permission: 'dsar:manage',
    response: z.object({ items: z.array(dsarSchema) }),
    handler: async ({ ctx }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<DsarRow>(`SELECT ${DSAR_COLUMNS} FROM dsar_requests ORDER BY created_at DESC LIMIT 200`),
      );
      return { items: r.rows.map(presentDsar) };
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/dsar/:id',
    summary: 'One data-subject request and its outcome',
    tags: ['governance'],
    auth: 'tenant',
    permission: 'dsar:manage',
    params: idParams,
    response: dsarSchema,
    handler: async ({ ctx, params }) => {
      const r = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        tx.query<DsarRow>(`SELECT ${DSAR_COLUMNS} FROM dsar_requests WHERE id = $1`, [params.id]),
      );
      if (!r.rows[0]) throw new AppError('NOT_FOUND', 'Data-subject request not found');
      return presentDsar(r.rows[0]);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/dsar/:id/archive',
    summary: "Download an export request's archive (JSON) until it expires",
    tags: ['governance'],
    auth: 'tenant',
    permission: 'dsar:manage',
    params: idParams,
    produces: ['application/json'],
    handler: async ({ ctx, params, res }) => {
      const archive = await readDsarArchive(ctx, params.id);
      res.setHeader('Content-Disposition', `attachment; filename="dsar-${params.id}.json"`);
      res.status(200).json(archive);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/usage',
    summary: 'Usage and cost per day, channel and model (conversations, messages, tokens, cost, handoff/resolution rate, latency)',
    tags: ['governance'],
    auth: 'tenant',
    permission: 'usage:read',
    query: usageQuery,
    response: usageSchema,
    handler: async ({ ctx, query }) => {
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
      if (from >= to) throw new AppError('VALIDATION', 'from: must be before to');
      return ctx.services.db.withTenant(ctx.tenant.id, (tx) => usageReport(tx, ctx.tenant.id, { from, to, channel: query.channel }));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/v1/admin/compliance/report',
    summary: 'Compliance summary: retention, encryption, audit chain, DSAR history, safety policy',
    tags: ['governance'],
    auth: 'tenant',
    permission: 'compliance:read',
    response: complianceSchema,
    handler: async ({ ctx }) => complianceReport(ctx.services, ctx.tenant.id),
  }),
];
