import type { z } from 'zod';
import type { TenantContext } from '../../platform/http/context';
import { MANAGE_ALL, ownerRefOf } from './access';
import type { ConversationRow, MessageRow } from './conversation-store';
import type { citationSchema, conversationSchema, messageSchema, toolCallSchema } from './conversations.schema';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** What the caller may do here, so the shell shows Escalate/Delete without re-implementing rules. */
function abilities(ctx: TenantContext, row: ConversationRow): string[] {
  const me = ownerRefOf(ctx.principal);
  const own = row.user_subject === me || (row.user_subject?.startsWith(`${me}#`) ?? false);
  const manage = own || ctx.services.authz.can(ctx.principal, MANAGE_ALL, ctx.tenant);
  if (!manage) return ['read'];
  return ['read', 'delete', ...(row.owner === 'bot' ? ['escalate', 'reply'] : [])];
}

export function presentConversation(ctx: TenantContext, row: ConversationRow): z.infer<typeof conversationSchema> {
  return {
    id: row.id,
    channel: row.channel,
    external_id: row.external_id,
    title: row.title,
    status: row.status,
    owner: row.owner,
    created_at: iso(row.created_at)!,
    updated_at: iso(row.updated_at)!,
    last_message_at: iso(row.last_message_at),
    abilities: abilities(ctx, row),
  };
}

export function presentMessage(row: MessageRow): z.infer<typeof messageSchema> {
  return {
    id: row.id,
    role: row.role,
    content: row.content,
    citations: row.citations as z.infer<typeof citationSchema>[],
    model: row.model,
    usage: { prompt_tokens: row.prompt_tokens, completion_tokens: row.completion_tokens, cost_usd: Number(row.cost_usd) },
    safety_flags: row.safety_flags as Record<string, unknown>[],
    tool_calls: (row.tool_calls as Partial<z.infer<typeof toolCallSchema>>[]).map(presentToolCall),
    created_at: iso(row.created_at)!,
  };
}

/** Stored calls are the turn engine's own record (generate.ts); only these four fields leave, whatever else it grows. */
function presentToolCall(call: Partial<z.infer<typeof toolCallSchema>>): z.infer<typeof toolCallSchema> {
  return { id: String(call.id ?? ''), name: String(call.name ?? 'tool'), arguments: String(call.arguments ?? ''), status: String(call.status ?? '') };
}
