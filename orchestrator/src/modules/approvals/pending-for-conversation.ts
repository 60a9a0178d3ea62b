import type { Queryable } from '../../platform/db';

/** Approvals still waiting on a person for one conversation, oldest first (Chatwoot's agent panel shows them). */
export async function pendingApprovalsForConversation(tx: Queryable, tenantId: string, conversationId: string) {
  const r = await tx.query<{ id: string; title: string; created_at: Date }>(
    `SELECT id, title, created_at FROM approvals
      WHERE tenant_id = $1 AND conversation_id = $2 AND status = 'submitted' AND expires_at > now()
      ORDER BY created_at LIMIT 20`,
    [tenantId, conversationId],
  );
  return r.rows.map((a) => ({ id: a.id, summary: a.title, created_at: new Date(a.created_at).toISOString() }));
}
