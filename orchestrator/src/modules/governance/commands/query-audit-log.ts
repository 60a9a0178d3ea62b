import type { Queryable } from '../../../platform/db';
import type { AuditFilter } from '../governance.schema';
import { digestSql } from '../subjects';
import type { AuditListRow } from '../governance.presenter';

/**
 * One SQL builder for listing and export, so both apply the same filters and the same masking. Erased people
 * are matched by digest (erased_subjects) and can be found by their pseudonym, never by their old reference.
 */
export function auditQuery(tenantId: string, filter: AuditFilter, page: { afterSeq?: number; beforeSeq?: number; limit: number; order: 'asc' | 'desc' }) {
  const params: unknown[] = [tenantId];
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = ['a.tenant_id = $1'];
  if (filter.actor) {
    const x = p(filter.actor);
    where.push(`((a.actor_ref = ${x} AND ea.pseudonym IS NULL) OR ea.pseudonym = ${x})`);
  }
  if (filter.action?.endsWith('.*')) where.push(`a.action LIKE ${p(filter.action.slice(0, -1).replace(/[%_\\]/g, '\\$&') + '%')}`);
  else if (filter.action) where.push(`a.action = ${p(filter.action)}`);
  if (filter.resource_type) where.push(`a.resource_type = ${p(filter.resource_type)}`);
  if (filter.resource_id) {
    const x = p(filter.resource_id);
    where.push(`((a.resource_id = ${x} AND er.pseudonym IS NULL) OR er.pseudonym = ${x})`);
  }
  if (filter.from) where.push(`a.occurred_at >= ${p(filter.from)}`);
  if (filter.to) where.push(`a.occurred_at < ${p(filter.to)}`);
  if (page.afterSeq !== undefined) where.push(`a.seq > ${p(page.afterSeq)}`);
  if (page.beforeSeq !== undefined) where.push(`a.seq < ${p(page.beforeSeq)}`);
  const sql = `
    SELECT a.seq, a.id, a.occurred_at, a.actor_type, a.actor_ref, a.action, a.resource_type, a.resource_id, a.data, a.request_id,
           a.prev_hash, a.hash, ea.pseudonym AS actor_pseudonym, er.pseudonym AS resource_pseudonym,
           coalesce(u.email, u.name) AS actor_label
      FROM audit_log a
      LEFT JOIN erased_subjects ea ON ea.tenant_id = a.tenant_id AND ea.subject_digest = ${digestSql('a.tenant_id', 'a.actor_ref')}
      LEFT JOIN erased_subjects er ON er.tenant_id = a.tenant_id AND a.resource_id IS NOT NULL
                                  AND er.subject_digest = ${digestSql('a.tenant_id', 'a.resource_id')}
      LEFT JOIN users u ON a.actor_type = 'user' AND u.subject = a.actor_ref
     WHERE ${where.join(' AND ')}
     ORDER BY a.seq ${page.order === 'asc' ? 'ASC' : 'DESC'}
     LIMIT ${p(page.limit)}`;
  return { sql, params };
}

export async function listAuditRows(q: Queryable, tenantId: string, filter: AuditFilter, cursor: number | undefined, limit: number) {
  const { sql, params } = auditQuery(tenantId, filter, { beforeSeq: cursor, limit, order: 'desc' });
  return (await q.query<AuditListRow>(sql, params)).rows;
}
