import type { Tx } from '../../../platform/db';
import { allRefs, newPseudonym, subjectDigest, type DataSubject } from '../subjects';
import { conversationsOf, eraseOptionalTables } from '../personal-data';
import { chatwootContactsOf, type ChatwootContact } from '../chatwoot-subjects';

export interface ErasureResult {
  pseudonym: string;
  counts: Record<string, number>;
  conversationIds: string[];
  /** The person's Chatwoot contacts, read before the payloads and metadata that lead to them are blanked. */
  chatwootContacts: ChatwootContact[];
}

export const ERASED = '[erased]';

/**
 * Erases the person from this tenant in the caller's transaction (all or nothing):
 * - message content, citations and tool calls are blanked; token counts, cost and latency stay (usage stays true);
 * - conversations keep their channel/status but lose title, metadata and the person reference (→ pseudonym);
 * - memories are deleted; tool executions, approvals and Chatwoot handoff notes scrubbed (their person refs → pseudonym);
 *   timeline rows, raw inbound payloads and outbound webhook data mentioning them (or their conversations) removed;
 * - earlier DSAR export archives of the person are destroyed;
 * - the audit chain is NOT rewritten (it only holds pseudonymous refs and ids): the refs are listed in
 *   erased_subjects so every presenter shows the pseudonym, and the users row loses name and email.
 */
export async function eraseSubject(tx: Tx, tenantId: string, subject: DataSubject, dsarId: string): Promise<ErasureResult> {
  const { conversationIds, contactsByEmail } = await conversationsOf(tx, tenantId, subject);
  const chatwootContacts = await chatwootContactsOf(tx, tenantId, contactsByEmail, conversationIds);
  const refs = allRefs(subject);
  const pseudonym = newPseudonym();
  const count = async (sql: string, params: unknown[]) => (await tx.query(sql, params)).rowCount;
  const counts: Record<string, number> = {};
  counts.messages = await count(
    `UPDATE messages SET content = $3, citations = '[]', tool_calls = '[]', safety_flags = '[]' WHERE tenant_id = $1 AND conversation_id = ANY($2)`,
    [tenantId, conversationIds, ERASED],
  );
  counts.conversations = await count(
    `UPDATE conversations SET user_subject = $3, title = NULL, metadata = '{}', updated_at = now() WHERE tenant_id = $1 AND id = ANY($2)`,
    [tenantId, conversationIds, pseudonym],
  );
  Object.assign(counts, await eraseOptionalTables(tx, tenantId, subject, conversationIds, pseudonym));
  counts.activity = await count(`DELETE FROM activity WHERE tenant_id = $1 AND (actor = ANY($2) OR resource_id = ANY($2) OR resource_id = ANY($3))`, [
    tenantId,
    refs,
    conversationIds,
  ]);
  // Raw inbound payloads (e.g. Chatwoot deliveries) carry contact names, emails and message text verbatim.
  // A Chatwoot event about their conversation may not name them at all (an agent's reply): matched by conversation too.
  counts.webhook_payloads = await count(
    `UPDATE webhook_deliveries d SET payload = '{}' WHERE d.tenant_id = $1 AND d.payload <> '{}'
        AND (EXISTS (SELECT 1 FROM unnest($2::text[]) AS ref WHERE position(lower(ref) IN lower(d.payload::text)) > 0)
             OR EXISTS (SELECT 1 FROM chatwoot_conversations m
                         WHERE m.tenant_id = d.tenant_id AND m.integration_id = d.integration_id AND m.conversation_id = ANY($3::uuid[])
                           AND m.chatwoot_conversation_id::text = CASE WHEN d.event LIKE 'conversation%' THEN d.payload->>'id' ELSE d.payload->'conversation'->>'id' END))`,
    [tenantId, refs, conversationIds],
  );
  // Outbound webhooks (e.g. approval.requested carries the request's details): the envelope stays, its data goes.
  counts.outbound_webhooks = await count(
    `UPDATE outbound_webhook_deliveries SET payload = jsonb_build_object('type', payload->'type', 'timestamp', payload->'timestamp', 'data', '{}'::jsonb)
      WHERE tenant_id = $1 AND payload->'data' <> '{}'
        AND (payload->'data'->>'conversation_id' = ANY($3::text[])
             OR EXISTS (SELECT 1 FROM unnest($2::text[]) AS ref WHERE position(lower(ref) IN lower(payload::text)) > 0))`,
    [tenantId, refs, conversationIds],
  );
  counts.export_archives = await count(`UPDATE dsar_requests SET archive = NULL WHERE tenant_id = $1 AND subject_digest = ANY($2) AND archive IS NOT NULL`, [
    tenantId,
    refs.map((r) => subjectDigest(tenantId, r)),
  ]);
  counts.memberships = await count(`DELETE FROM memberships WHERE tenant_id = $1 AND user_id::text = ANY($2)`, [tenantId, subject.userIds]);
  for (const ref of refs) {
    await tx.query(
      `INSERT INTO erased_subjects (tenant_id, subject_digest, pseudonym, dsar_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, subject_digest) DO NOTHING`,
      [tenantId, subjectDigest(tenantId, ref), pseudonym, dsarId],
    );
  }
  for (const s of subject.subjects) await tx.query('SELECT atrium_forget_user($1)', [s]);
  return { pseudonym, counts, conversationIds, chatwootContacts };
}
