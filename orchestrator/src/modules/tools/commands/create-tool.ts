import { randomBytes } from 'node:crypto';
import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import { actorOf, recordAudit } from '../../audit';
import { recordActivity } from '../../activity';
import { forgetOfferedTools } from '../offered-tools';
import { assertValidInputSchema } from '../input-schema';
import { assertBindingAllowed, resolveApproval } from '../tool-rules';
import { TOOL_COLUMNS, type ToolRow } from '../tools.presenter';
import type { CreateToolInput } from '../tools.schema';

const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505';

/** Registers a tool; HTTP bindings get a signing secret that is returned once. */
export async function createTool({ ctx, input }: { ctx: TenantContext; input: CreateToolInput }): Promise<{ tool: ToolRow; signingSecret?: string }> {
  assertValidInputSchema(input.input_schema);
  assertBindingAllowed(input.binding, ctx.services.config);
  const needsApproval = resolveApproval(input.risk, input.needs_approval);
  const signingSecret = input.binding.kind === 'http' ? `whsec_${randomBytes(24).toString('base64')}` : undefined;
  try {
    const tool = await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
      const r = await tx.query<ToolRow>(
        `INSERT INTO tools (tenant_id, name, description, input_schema, risk, needs_approval, rate_limit_per_minute, allowed_roles, allowed_groups, binding, signing_secret_sealed, enabled, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${TOOL_COLUMNS}`,
        [
          ctx.tenant.id,
          input.name,
          input.description,
          JSON.stringify(input.input_schema),
          input.risk,
          needsApproval,
          input.rate_limit_per_minute ?? null,
          input.allowed_roles,
          input.allowed_groups,
          JSON.stringify(input.binding),
          signingSecret ? ctx.services.secrets.encrypt(signingSecret) : null,
          input.enabled,
          ctx.principal.subject,
        ],
      );
      const tool = r.rows[0]!;
      await recordAudit(tx, ctx.tenant.id, {
        action: 'tool.created',
        actor: actorOf(ctx.principal),
        resource: { type: 'tool', id: tool.id },
        data: { name: tool.name, risk: tool.risk, needs_approval: needsApproval, binding: input.binding.kind },
        requestId: ctx.requestId,
      });
      tx.afterCommit(() => forgetOfferedTools(ctx.services.db, ctx.tenant.id));
      await recordActivity(tx, ctx.services.bus, ctx.tenant.id, {
        type: 'tool.created',
        actor: ctx.principal.subject,
        resourceType: 'tool',
        resourceId: tool.id,
        summary: `Tool "${tool.name}" (${tool.risk} risk) registered`,
      });
      return tool;
    });
    return { tool, signingSecret };
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError('ALREADY_EXISTS', `A tool named "${input.name}" already exists`);
    throw e;
  }
}
