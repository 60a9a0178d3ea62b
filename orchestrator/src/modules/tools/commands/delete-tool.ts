import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { forgetOfferedTools } from '../offered-tools';
import { getTool } from '../tool-store';

/** Deletes the tool; its execution history stays (tool_name keeps it readable) and pending approvals fail honestly when approved. */
export async function deleteTool({ ctx, id }: { ctx: TenantContext; id: string }): Promise<void> {
  await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const tool = await getTool(tx, ctx.tenant.id, id, { lock: true });
    await tx.query('DELETE FROM tools WHERE tenant_id = $1 AND id = $2', [ctx.tenant.id, id]);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'tool.deleted',
      actor: actorOf(ctx.principal),
      resource: { type: 'tool', id },
      data: { name: tool.name },
      requestId: ctx.requestId,
    });
    tx.afterCommit(() => forgetOfferedTools(ctx.services.db, ctx.tenant.id));
    await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
      type: 'tool.deleted',
      actor: ctx.principal.subject,
      resourceType: 'tool',
      resourceId: id,
      summary: `Tool "${tool.name}" deleted`,
    });
  });
}
