import type { Queryable } from '../../platform/db';

/** A person's contact in one connected Chatwoot account (contact ids are per account, hence the integration). */
export interface ChatwootContact {
  integrationId: string;
  contactId: number;
}

/*
 * Where a Chatwoot delivery names the customer (contract README §1.6): `conversation.meta.sender` in message
 * events, `meta.sender` in conversation events, `contact` in webwidget_triggered, the payload itself in contact
 * events, and `sender` of an incoming message (an outgoing one's sender is an agent, never the customer).
 */
const SENDERS = `(VALUES (d.payload->'conversation'->'meta'->'sender'), (d.payload->'meta'->'sender'), (d.payload->'contact'),
                         (CASE WHEN d.event IN ('contact_created', 'contact_updated') THEN d.payload END),
                         (CASE WHEN d.payload->>'message_type' = 'incoming' THEN d.payload->'sender' END))`;

/**
 * Chatwoot contacts carrying one of the emails. Atrium's mirror keeps only Chatwoot's contact id, not the
 * customer's email, so the recorded deliveries are where an email leads to a contact (read before erasure
 * blanks those payloads).
 */
export async function chatwootContactsByEmail(q: Queryable, tenantId: string, emails: string[]): Promise<ChatwootContact[]> {
  if (!emails.length) return [];
  const r = await q.query<{ integration_id: string; contact_id: string }>(
    `SELECT DISTINCT d.integration_id::text AS integration_id, s.sender->>'id' AS contact_id
       FROM webhook_deliveries d CROSS JOIN LATERAL ${SENDERS} AS s(sender)
      WHERE d.tenant_id = $1 AND d.source = 'chatwoot' AND d.integration_id IS NOT NULL
        AND lower(s.sender->>'email') = ANY($2::text[]) AND s.sender->>'id' ~ '^[0-9]{1,15}$'`,
    [tenantId, emails],
  );
  return r.rows.map((x) => ({ integrationId: x.integration_id, contactId: Number(x.contact_id) }));
}

/** Atrium conversations mirrored from these contacts' Chatwoot conversations. */
export async function mirroredConversationIds(q: Queryable, tenantId: string, contacts: ChatwootContact[]): Promise<string[]> {
  if (!contacts.length) return [];
  const r = await q.query<{ conversation_id: string }>(
    `SELECT m.conversation_id FROM chatwoot_conversations m
       JOIN unnest($2::uuid[], $3::bigint[]) AS c(integration_id, contact_id) ON m.integration_id = c.integration_id AND m.contact_id = c.contact_id
      WHERE m.tenant_id = $1`,
    [tenantId, contacts.map((c) => c.integrationId), contacts.map((c) => c.contactId)],
  );
  return r.rows.map((x) => x.conversation_id);
}

/** The contacts to delete in Chatwoot: those found by email plus the contacts of the person's mirrored conversations. */
export async function chatwootContactsOf(q: Queryable, tenantId: string, byEmail: ChatwootContact[], conversationIds: string[]): Promise<ChatwootContact[]> {
  const mirrored = await q.query<{ integration_id: string; contact_id: string }>(
    `SELECT DISTINCT integration_id::text AS integration_id, contact_id::text AS contact_id FROM chatwoot_conversations
      WHERE tenant_id = $1 AND conversation_id = ANY($2::uuid[]) AND contact_id IS NOT NULL`,
    [tenantId, conversationIds],
  );
  const all = [...byEmail, ...mirrored.rows.map((x) => ({ integrationId: x.integration_id, contactId: Number(x.contact_id) }))];
  return [...new Map(all.map((c) => [`${c.integrationId}:${c.contactId}`, c])).values()];
}
