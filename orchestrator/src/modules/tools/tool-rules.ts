import { assertOutboundUrl, BlockedDestinationError, InvalidUrlError } from '@atrium/connectors/http';
import type { Config } from '../../platform/config';
import { AppError } from '../../platform/errors';
import type { Principal } from '../../platform/http/context';
import type { Risk, ToolBinding } from './tools.schema';

/** High and critical tools wait for a human by default; critical ones always do, whatever the operator says. */
export function resolveApproval(risk: Risk, requested: boolean | undefined): boolean {
  if (risk === 'critical') {
    if (requested === false) throw new AppError('VALIDATION', 'needs_approval: critical tools always need approval');
    return true;
  }
  return requested ?? risk === 'high';
}

/** Operator-supplied endpoints pass the SSRF guard at save time too (and again, after DNS, at call time). */
export function assertBindingAllowed(binding: ToolBinding, config: Config): void {
  if (binding.kind === 'n8n') {
    if (!config.N8N_BASE_URL) throw new AppError('VALIDATION', 'binding: n8n bindings need N8N_BASE_URL to be configured on the server');
    return;
  }
  try {
    assertOutboundUrl(binding.url, { allowPrivateNetworks: config.OUTBOUND_ALLOW_PRIVATE_NETWORKS });
  } catch (e) {
    if (e instanceof BlockedDestinationError || e instanceof InvalidUrlError) throw new AppError('VALIDATION', `binding.url: ${e.message}`);
    throw e;
  }
}

/** Per-tool trigger rule: empty lists mean "anyone who may chat"; otherwise a role OR a group must match. */
export function mayTrigger(tool: { allowed_roles: string[]; allowed_groups: string[] }, principal: Principal): boolean {
  if (principal.kind === 'platform' || principal.roles.includes('platform_admin')) return true;
  if (!tool.allowed_roles.length && !tool.allowed_groups.length) return true;
  const roles = new Set([...principal.roles, ...principal.scopes]);
  return tool.allowed_roles.some((r) => roles.has(r)) || tool.allowed_groups.some((g) => principal.groups.includes(g));
}
