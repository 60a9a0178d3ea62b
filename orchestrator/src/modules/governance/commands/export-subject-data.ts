import type { Tx } from '../../../platform/db';
import { allRefs, type DataSubject } from '../subjects';
import { conversationsOf, readOptionalTables } from '../personal-data';

export interface SubjectArchive {
  format: 'atrium.dsar.v1';
  generated_at: string;
  person: Record<string, unknown>[];
  memberships: Record<string, unknown>[];
  conversations: Record<string, unknown>[];
  messages: Record<string, unknown>[];
  audit_events: Record<string, unknown>[];
  activity: Record<string, unknown>[];
  [optionalTable: string]: unknown;
}

/**
 * Everything this tenant holds about the person, as one JSON document (GDPR art. 15/20: complete, machine-
 * readable). Read in the caller's tenant transaction so the archive is one consistent snapshot.
 */
export async function exportSubjectData(tx: Tx, tenantId: string, subject: DataSubject): Promise<SubjectArchive> {
  const { conversationIds } = await conversationsOf(tx, tenantId, subject);
  const refs = allRefs(subject);
  const q = async (sql: string, params: unknown[]) => (await tx.query<Record<string, unknown>>(sql, params)).rows;
  return {
    format: 'atrium.dsar.v1',
    generated_at: new Date().toISOString(),
    person: await q(`SELECT id, subject, email, name, created_at FROM users WHERE subject = ANY($1) OR id::text = ANY($2)`, [
      subject.subjects,
      subject.userIds,
    ]),
    memberships: await q(`SELECT user_id, roles, groups, source, created_at FROM memberships WHERE tenant_id = $1 AND user_id::text = ANY($2)`, [
      tenantId,
      subject.userIds,
    ]),
    conversations: await q(
      `SELECT id, channel, external_id, user_subject, title, status, owner, metadata, created_at, updated_at FROM conversations
        WHERE tenant_id = $1 AND id = ANY($2) ORDER BY created_at`,
      [tenantId, conversationIds],
    ),
    messages: await q(
      `SELECT id, conversation_id, role, content, citations, tool_calls, model, created_at FROM messages
        WHERE tenant_id = $1 AND conversation_id = ANY($2) ORDER BY created_at`,
      [tenantId, conversationIds],
    ),
    audit_events: await q(
      `SELECT seq, occurred_at, actor_type, actor_ref, action, resource_type, resource_id, data FROM audit_log
        WHERE tenant_id = $1 AND (actor_ref = ANY($2) OR resource_id = ANY($2) OR resource_id = ANY($3)) ORDER BY seq`,
      [tenantId, refs, conversationIds],
    ),
    activity: await q(
      `SELECT type, actor, resource_type, resource_id, summary, created_at FROM activity
        WHERE tenant_id = $1 AND (actor = ANY($2) OR resource_id = ANY($2) OR resource_id = ANY($3)) ORDER BY id`,
      [tenantId, refs, conversationIds],
    ),
    ...(await readOptionalTables(tx, tenantId, subject, conversationIds)),
  };
}
