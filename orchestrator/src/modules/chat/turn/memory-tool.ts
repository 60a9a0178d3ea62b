import type { ToolDefinition } from '@atrium/connectors/llm';
import { z } from 'zod';
import type { TenantConfig } from '../../tenants';
import { rememberIn } from '../../memory';
import type { ToolCallRequest, ToolOutcome, ToolProvider, ToolTurnContext } from './ports';

/**
 * Model-proposed memories: offered to the model as a tool only when the user has consented, and
 * stored through the same consent check as an explicit "remember that …".
 */
export const SAVE_MEMORY: ToolDefinition = {
  name: 'save_memory',
  description: 'Keep a lasting fact or preference the customer shared about themselves, for future conversations.',
  parameters: { type: 'object', properties: { fact: { type: 'string', maxLength: 500 } }, required: ['fact'], additionalProperties: false },
};

const args = z.object({ fact: z.string().trim().min(3).max(500) });

export function memoryToolProvider(ownerRef: string, settings: TenantConfig['memory']): ToolProvider {
  return {
    list: async () => [SAVE_MEMORY],
    async execute(turn: ToolTurnContext, call: ToolCallRequest): Promise<ToolOutcome> {
      let fact: string;
      try {
        fact = args.parse(JSON.parse(call.arguments)).fact;
      } catch {
        return { status: 'error', content: JSON.stringify({ error: 'save_memory needs {"fact": "…"}' }) };
      }
      const { ctx } = turn;
      const row = await ctx.services.db.withTenant(ctx.tenant.id, (tx) =>
        rememberIn(tx, ctx, { ownerRef, content: fact, source: 'proposed', conversationId: turn.conversationId, settings }),
      );
      return row
        ? { status: 'ok', content: JSON.stringify({ saved: true }) }
        : { status: 'error', content: JSON.stringify({ saved: false, reason: 'no consent' }) };
    },
  };
}

/** Built-in tools first, then the registered provider's; calls go to whichever offered the name. */
export function combineToolProviders(providers: ToolProvider[]): ToolProvider {
  const owners = new Map<string, ToolProvider>();
  return {
    async list(turn) {
      owners.clear();
      const all: ToolDefinition[] = [];
      for (const provider of providers) {
        for (const tool of await provider.list(turn)) {
          if (owners.has(tool.name)) continue;
          owners.set(tool.name, provider);
          all.push(tool);
        }
      }
      return all;
    },
    async execute(turn, call) {
      const owner = owners.get(call.name);
      if (!owner) return { status: 'error', content: JSON.stringify({ error: `unknown tool "${call.name}"` }) };
      return owner.execute(turn, call);
    },
  };
}
