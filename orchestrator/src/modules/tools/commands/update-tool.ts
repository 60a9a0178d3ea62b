import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { forgetOfferedTools } from '../offered-tools';
import { assertValidInputSchema } from '../input-schema';
import { assertBindingAllowed, resolveApproval } from '../tool-rules';
import { getTool } from '../tool-store';
import { TOOL_COLUMNS, type ToolRow } from '../tools.presenter';
import type { UpdateToolInput } from '../tools.schema';

/** Partial update; the merged tool is re-checked as a whole (schema, binding, approval rule). */
export async function updateTool({ ctx, id, input }: { ctx: TenantContext; id: string; input: UpdateToolInput }): Promise<ToolRow> {
  if (input.input_schema) assertValidInputSchema(input.input_schema);
  if (input.binding) assertBindingAllowed(input.binding, ctx.services.config);
  try {
    return await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
      const current = await getTool(tx, ctx.tenant.id, id, { lock: true });
      const risk = input.risk ?? current.risk;
      const needsApproval = resolveApproval(risk, input.needs_approval ?? (input.risk ? undefined : current.needs_approval));
      const binding = input.binding ?? current.binding;
      // Switching to an HTTP binding needs a signing secret the operator never saw: create the tool anew instead.
      if (binding.kind === 'http' && !current.signing_secret_sealed)
        throw new AppError('VALIDATION', 'binding: cannot switch an n8n tool to an HTTP endpoint; create a new tool so it gets a signing secret');
      const r = await tx.query<ToolRow>(
        `UPDATE tools SET name = $3, description = $4, input_schema = $5, risk = $6, needs_approval = $7, rate_limit_per_minute = $8,
           allowed_roles = $9, allowed_groups = $10, binding = $11, enabled = $12, updated_at = now()
         WHERE tenant_id = $1 AND id = $2 RETURNING ${TOOL_COLUMNS}`,
        [
          ctx.tenant.id,
          id,
          input.name ?? current.name,
          input.description ?? current.description,
          JSON.stringify(input.input_schema ?? current.input_schema),
          risk,
          needsApproval,
          input.rate_limit_per_minute === undefined ? current.rate_limit_per_minute : input.rate_limit_per_minute,
          input.allowed_roles ?? current.allowed_roles,
          input.allowed_groups ?? current.allowed_groups,
          JSON.stringify(binding),
          input.enabled ?? current.enabled,
        ],
      );
      const tool = r.rows[0]!;
      await recordAudit(tx, ctx.tenant.id, {
        action: 'tool.updated',
        actor: actorOf(ctx.principal),
        resource: { type: 'tool', id },
        data: { changed: Object.keys(input).sort(), risk, needs_approval: needsApproval, enabled: tool.enabled },
        requestId: ctx.requestId,
      });
      tx.afterCommit(() => forgetOfferedTools(ctx.services.db, ctx.tenant.id));
      await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
        type: 'tool.updated',
        actor: ctx.principal.subject,
        resourceType: 'tool',
        resourceId: id,
        summary: `Tool "${tool.name}" updated`,
      });
      return tool;
    });
  } catch (e) {
    if ((e as { code?: string })?.code === '23505') throw new AppError('ALREADY_EXISTS', `A tool named "${input.name}" already exists`);
    throw e;
  }
}
