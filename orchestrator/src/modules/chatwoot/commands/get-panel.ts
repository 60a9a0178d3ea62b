import type { Queryable } from '../../../platform/db';
import { AppError } from '../../../platform/errors';
import type { TenantContext } from '../../../platform/http/context';
import type { Services } from '../../../platform/services';
import { citationSchema, type Citation, type PanelResponse } from '../chatwoot.schema';
import { readIntegration } from '../integration-store';
import { findMirror } from '../mirror-store';

/**
 * Atrium's view of one Chatwoot conversation for the Dashboard App tab (README §5): why it was handed off,
 * the summary, the sources the bot used, replies the agent may send, and approvals waiting on a person.
 * Chatwoot passes the conversation's display id in `appContext`; the caller authenticates as a tenant user.
 */
export interface PendingApproval {
  id: string;
  summary: string;
  created_at?: string;
}
export type PendingApprovalsLookup = (tx: Queryable, tenantId: string, conversationId: string) => Promise<PendingApproval[]>;

const approvalLookups = new WeakMap<Services, PendingApprovalsLookup>();
/** The approvals module installs its lookup at boot; until then the panel shows none. */
export function setPendingApprovalsLookup(services: Services, lookup: PendingApprovalsLookup): void {
  approvalLookups.set(services, lookup);
}

const citationsOf = (value: unknown): Citation[] => {
  const parsed = citationSchema.array().safeParse(value);
  return parsed.success ? parsed.data : [];
};

export async function getPanel({
  ctx,
  integrationId,
  conversationId,
}: {
  ctx: TenantContext;
  integrationId: string;
  conversationId: number;
}): Promise<PanelResponse> {
  const { services } = ctx;
  const tenantId = ctx.tenant.id;
  return services.db.withTenant(tenantId, async (tx) => {
    const integration = await readIntegration(services, tx, tenantId, integrationId);
    if (!integration) throw new AppError('NOT_FOUND', 'Chatwoot integration was not found');
    const row = await findMirror(tx, tenantId, integrationId, conversationId);
    const empty: PanelResponse = {
      integration_id: integrationId,
      conversation: { chatwoot_id: conversationId, atrium_id: null, status: null, owner: null },
      handoff: null,
      citations: [],
      suggested_replies: [],
      pending_approvals: [],
      recent_bot_replies: [],
    };
    if (!row) return empty;
    const replies = await tx.query<{ content: string; citations: unknown; created_at: Date }>(
      `SELECT content, citations, created_at FROM messages WHERE tenant_id = $1 AND conversation_id = $2 AND role = 'assistant' ORDER BY created_at DESC LIMIT 5`,
      [tenantId, row.conversation_id],
    );
    const handoff = row.handoff;
    const citations = [...(handoff?.citations ?? []), ...replies.rows.flatMap((r) => citationsOf(r.citations))];
    const lookup = approvalLookups.get(services);
    return {
      ...empty,
      conversation: { chatwoot_id: conversationId, atrium_id: row.conversation_id, status: row.status, owner: row.owner },
      handoff: handoff
        ? { reason: handoff.reason, detail: handoff.detail ?? null, summary: handoff.summary, tried: handoff.tried ?? [], at: handoff.at }
        : null,
      citations: citations.filter((c, i) => citations.findIndex((o) => (o.url ?? o.title) === (c.url ?? c.title)) === i).slice(0, 20),
      suggested_replies: handoff?.suggested_replies ?? [],
      pending_approvals: lookup ? await lookup(tx, tenantId, row.conversation_id) : [],
      recent_bot_replies: replies.rows.map((r) => ({ content: r.content, created_at: new Date(r.created_at).toISOString() })),
    };
  });
}
