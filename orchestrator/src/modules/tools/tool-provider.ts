import type { TenantContext } from '../../platform/http/context';
import { cachedTenantConfig } from '../tenants';
import { invokeTool, type ToolOutcome } from './commands/invoke-tool';
import { createRunGuard, type RunGuard } from './run-guard';
import { offeredTools } from './offered-tools';
import { mayTrigger } from './tool-rules';

/**
 * The tool registry as the chat pipeline's tool port (chat/turn/ports.ts): `list` offers the tools this
 * principal may trigger; `execute` runs one model call through invokeTool behind a per-turn run guard.
 * The types mirror that port structurally so this file does not import the chat module.
 */
export interface ModelToolDefinition {
  name: string;
  description?: string;
  parameters: Record<string, unknown>;
}

/** One model call; both wire formats arrive here as JSON text (the LLM connector normalises Anthropic's objects). */
export interface ModelToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** One object per chat turn: the run guard is keyed on it. */
export interface ToolTurnContext {
  ctx: TenantContext;
  conversationId: string;
  endUser?: string;
}

export interface ModelToolOutcome {
  status: 'ok' | 'error' | 'pending_approval';
  content: string;
}

export interface ToolProvider {
  list(turn: ToolTurnContext): Promise<ModelToolDefinition[]>;
  execute(turn: ToolTurnContext, call: ModelToolCall): Promise<ModelToolOutcome>;
}

function parseArguments(raw: string): { ok: true; value: unknown } | { ok: false } {
  if (!raw.trim()) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false };
  }
}

const forModel = (o: ToolOutcome): ModelToolOutcome => ({
  status: o.status === 'succeeded' ? 'ok' : o.status === 'pending_approval' ? 'pending_approval' : 'error',
  content: o.content,
});

export function createToolProvider(): ToolProvider {
  const guards = new WeakMap<ToolTurnContext, RunGuard>();
  const guardFor = async (turn: ToolTurnContext) => {
    let guard = guards.get(turn);
    if (!guard) {
      const { config } = await cachedTenantConfig(turn.ctx.services, turn.ctx.tenant.id);
      guard = createRunGuard(config.tools.max_calls_per_turn);
      guards.set(turn, guard);
    }
    return guard;
  };
  return {
    async list(turn) {
      const { ctx } = turn;
      // The cached config (as the turn reads it): a disabled registry costs no transaction at all.
      const { config } = await cachedTenantConfig(ctx.services, ctx.tenant.id);
      const tools = config.tools.enabled ? await offeredTools(ctx.services, ctx.tenant.id) : [];
      return tools
        .filter((t) => mayTrigger(t, ctx.principal))
        .map((t) => ({
          name: t.name,
          description: t.needs_approval ? `${t.description} (Runs only after a team member approves it.)` : t.description,
          parameters: t.input_schema,
        }));
    },
    async execute(turn, call) {
      const args = parseArguments(call.arguments);
      if (!args.ok)
        return { status: 'error', content: `The arguments for "${call.name}" are not valid JSON. Send them as a JSON object and call the tool again.` };
      const refusal = (await guardFor(turn)).check(call.name, args.value);
      if (refusal) return { status: 'error', content: refusal };
      const { ctx } = turn;
      return forModel(
        await invokeTool({
          services: ctx.services,
          tenant: ctx.tenant,
          principal: ctx.principal,
          source: 'chat',
          toolName: call.name,
          input: args.value,
          conversationId: turn.conversationId,
          callId: call.id,
          requestId: ctx.requestId,
        }),
      );
    },
  };
}
