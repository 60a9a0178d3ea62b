import { z } from 'zod';
import { defineRoute } from '../../platform/http/route';
import { verifyAuditChain } from './verify-chain';

export const chainVerificationSchema = z.object({
  tenant_id: z.string(),
  ok: z.boolean(),
  checked: z.number().int(),
  last_seq: z.number().int(),
  first_broken: z.object({ seq: z.number().int(), reason: z.string() }).optional(),
});

export const auditRoutes = [
  defineRoute({
    method: 'get',
    path: '/v1/admin/audit-logs/verify',
    summary: "Verify the tenant's audit hash chain and report the first broken link",
    tags: ['audit'],
    auth: 'tenant',
    permission: 'audit:verify',
    response: chainVerificationSchema,
    handler: async ({ ctx }) => {
      const r = await verifyAuditChain(ctx.services.db, ctx.tenant.id);
      return { tenant_id: r.tenantId, ok: r.ok, checked: r.checked, last_seq: r.lastSeq, first_broken: r.firstBroken };
    },
  }),
];
