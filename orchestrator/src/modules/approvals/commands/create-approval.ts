import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import { actorOf } from '../../audit';
import { activeTenantConfig } from '../../tenants';
import { findConversation } from '../../conversations';
import type { z } from 'zod';
import type { createApprovalBody } from '../approvals.schema';
import { requestApproval } from './request-approval';
import { present } from './decide-approval';

/** A manual request, e.g. an agent escalating a customer's case for a manager's decision. */
export async function createApproval({ ctx, input }: { ctx: TenantContext; input: z.infer<typeof createApprovalBody> }) {
  const row = await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    if (input.conversation_id && !(await findConversation(tx, ctx.tenant.id, input.conversation_id))) {
      throw new AppError('VALIDATION', 'conversation_id: no such conversation in this tenant');
    }
    const { config } = await activeTenantConfig(tx, ctx.tenant.id);
    return requestApproval(tx, ctx.services, ctx.tenant.id, {
      type: input.type,
      title: input.title,
      details: input.details,
      conversationId: input.conversation_id,
      requester: actorOf(ctx.principal),
      ttlMinutes: input.expires_in_minutes ?? config.tools.approval_ttl_minutes,
      draft: input.draft,
      requestId: ctx.requestId,
    });
  });
  return present(ctx, row);
}
