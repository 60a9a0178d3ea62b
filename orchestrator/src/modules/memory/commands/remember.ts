import type { Tx } from '../../../platform/db';
import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit } from '../../audit';
import { memoryAllowed, type MemorySettings } from '../memory-policy';
import { insertMemory, type MemoryRow } from '../memory-store';

/**
 * Stores one memory inside the caller's transaction, only if the owner consented (see memory-policy).
 * Returns null when not allowed, so the caller can ask for consent instead. The audit row names the
 * memory, never its content.
 */
export async function rememberIn(
  tx: Tx,
  ctx: TenantContext,
  input: { ownerRef: string; content: string; source: MemoryRow['source']; conversationId?: string | null; settings: MemorySettings },
): Promise<MemoryRow | null> {
  if (!(await memoryAllowed(tx, ctx.tenant.id, input.ownerRef, input.settings))) return null;
  const row = await insertMemory(tx, ctx.tenant.id, {
    ownerRef: input.ownerRef,
    content: input.content,
    source: input.source,
    conversationId: input.conversationId,
    ttlDays: input.settings.ttl_days,
  });
  await recordAudit(tx, ctx.tenant.id, {
    action: 'memory.created',
    actor: actorOf(ctx.principal),
    resource: { type: 'memory', id: row.id },
    data: { source: input.source, conversation_id: input.conversationId ?? null },
    requestId: ctx.requestId,
  });
  return row;
}
