import { AppError } from '../../platform/errors';
import type { Principal, TenantRef } from '../../platform/http/context';
import type { Services } from '../../platform/services';

/**
 * How evals and the red-team battery reach the assistant: one chat turn, through whatever channel-independent
 * engine the process runs (the chat module's runTurn in production). Injected rather than imported, so the
 * runner does not depend on chat (chat does not depend on evals either) and the scoring can be exercised alone.
 */
export interface AssistantProbe {
  tenant: TenantRef;
  principal: Principal;
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
}

export interface AssistantReply {
  text: string;
  citations: Array<{ document_id: string; title: string; url: string | null; snippet?: string }>;
  /** The safety layer refused the turn. */
  blocked: boolean;
  escalated: boolean;
  noAnswer: boolean;
  safety: Array<{ kind: string; action: string; direction: string; label?: string }>;
  toolCalls: Array<{ name: string; status: 'ok' | 'error' | 'pending_approval' | 'denied' }>;
  model: string | null;
  latencyMs: number;
}

export type AskAssistant = (services: Services, probe: AssistantProbe) => Promise<AssistantReply>;

const perServices = new WeakMap<Services, AskAssistant>();
let processWide: AskAssistant | null = null;

/** Wires the engine: per services instance (tests) or for the whole process (boot). */
export function provideAssistant(ask: AskAssistant, services?: Services): void {
  if (services) perServices.set(services, ask);
  else processWide = ask;
}

export function assistantFor(services: Services): AskAssistant {
  const ask = perServices.get(services) ?? processWide;
  if (!ask) throw new AppError('UPSTREAM_UNAVAILABLE', 'No assistant engine is wired into this process; evals cannot run');
  return ask;
}

/** The principal a run asks as: never the admin who started it, only the probe's roles and groups. */
export const probePrincipal = (tenant: TenantRef, probe: { roles: string[]; groups: string[] }, kind: string): Principal => ({
  kind: 'user',
  subject: `system:${kind}`,
  tenants: [tenant.slug],
  roles: probe.roles,
  groups: probe.groups,
  scopes: [],
});
