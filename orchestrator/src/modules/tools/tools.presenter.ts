import { grantedAbilities } from '../../platform/http/abilities';
import type { TenantContext } from '../../platform/http/context';
import { mayTrigger } from './tool-rules';
import { bindingSchema, type Risk, type TOOL_ABILITIES, type ToolBinding } from './tools.schema';

export interface ToolRow {
  id: string;
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
  risk: Risk;
  needs_approval: boolean;
  rate_limit_per_minute: number | null;
  allowed_roles: string[];
  allowed_groups: string[];
  binding: ToolBinding;
  signing_secret_sealed: string | null;
  enabled: boolean;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

export const TOOL_COLUMNS =
  'id, name, description, input_schema, risk, needs_approval, rate_limit_per_minute, allowed_roles, allowed_groups, binding, signing_secret_sealed, enabled, created_by, created_at, updated_at';

type ToolAbility = (typeof TOOL_ABILITIES)[number];
/** Each ability is guarded by the permission of its route (tools.routes.ts). */
const TOOL_GUARDS: Record<ToolAbility, string> = { update: 'tools:manage', delete: 'tools:manage', test: 'tools:execute' };

/**
 * A test run is refused by invokeTool for a disabled tool, and for a caller who cannot manage tools unless the
 * tool's own allowed roles/groups admit them (mayTrigger), so `test` is only offered where it would run.
 */
function toolAbilities(ctx: TenantContext, t: ToolRow): ToolAbility[] {
  const configurer = ctx.services.authz.can(ctx.principal, 'tools:manage', ctx.tenant);
  const runnable = t.enabled && (configurer || mayTrigger(t, ctx.principal));
  return grantedAbilities(ctx, TOOL_GUARDS).filter((a) => a !== 'test' || runnable);
}

/** Allowlisted view of a tool; the sealed signing secret never leaves. */
export const presentTool = (ctx: TenantContext, t: ToolRow) => ({
  id: t.id,
  name: t.name,
  description: t.description,
  input_schema: t.input_schema,
  risk: t.risk,
  needs_approval: t.needs_approval,
  rate_limit_per_minute: t.rate_limit_per_minute,
  allowed_roles: t.allowed_roles,
  allowed_groups: t.allowed_groups,
  binding: bindingSchema.parse(t.binding),
  enabled: t.enabled,
  created_by: t.created_by,
  created_at: new Date(t.created_at).toISOString(),
  updated_at: new Date(t.updated_at).toISOString(),
  abilities: toolAbilities(ctx, t),
});

export interface ExecutionRow {
  id: string;
  tool_id: string | null;
  tool_name: string;
  source: string;
  conversation_id: string | null;
  approval_id: string | null;
  status: string;
  error_code: string | null;
  latency_ms: number | null;
  actor_type: string;
  actor_ref: string;
  created_at: Date;
}

export const presentExecution = (e: ExecutionRow) => ({
  id: e.id,
  tool_id: e.tool_id,
  tool_name: e.tool_name,
  source: e.source,
  conversation_id: e.conversation_id,
  approval_id: e.approval_id,
  status: e.status,
  error_code: e.error_code,
  latency_ms: e.latency_ms,
  actor: { type: e.actor_type, ref: e.actor_ref },
  created_at: new Date(e.created_at).toISOString(),
});
