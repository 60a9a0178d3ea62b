import type { TenantContext } from '../../../platform/http/context';
import { AppError } from '../../../platform/errors';
import type { z } from 'zod';
import { APPROVAL_COLUMNS, type ApprovalRow } from '../approvals.presenter';
import type { listApprovalsQuery } from '../approvals.schema';
import { present } from './decide-approval';

// The cursor carries created_at at full microsecond precision (a JS Date would cut it to ms and skip rows).
const encodeCursor = (a: ApprovalRow & { cursor_at: string }) => Buffer.from(`${a.cursor_at}|${a.id}`).toString('base64url');
function decodeCursor(cursor: string): [string, string] {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (!at || !id || !/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/.test(at) || !/^[0-9a-f-]{36}$/.test(id))
    throw new AppError('VALIDATION', 'cursor: not a cursor this API returned');
  return [at, id];
}

/**
 * Newest first, keyset-paginated on (created_at, id) so pages stay stable while new requests arrive.
 * `status=expired` includes overdue requests the sweep has not marked yet (they present as expired).
 */
export async function listApprovals({ ctx, query }: { ctx: TenantContext; query: z.infer<typeof listApprovalsQuery> }) {
  const where = ['tenant_id = $1'];
  const params: unknown[] = [ctx.tenant.id];
  const add = (sql: string, value: unknown) => {
    params.push(value);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (query.status === 'expired') where.push(`(status = 'expired' OR (status = 'submitted' AND expires_at <= now()))`);
  else if (query.status === 'submitted') where.push(`status = 'submitted' AND expires_at > now()`);
  else if (query.status) add('status = ?', query.status);
  if (query.type) add('type = ?', query.type);
  if (query.conversation_id) add('conversation_id = ?', query.conversation_id);
  if (query.mine === 'true') add('requested_by = ?', ctx.principal.subject);
  if (query.cursor) {
    const [at, id] = decodeCursor(query.cursor);
    params.push(at, id);
    where.push(`(created_at, id) < ($${params.length - 1}::timestamp AT TIME ZONE 'UTC', $${params.length}::uuid)`);
  }
  params.push(query.limit + 1);
  const rows = await ctx.services.db.withTenant(
    ctx.tenant.id,
    async (tx) =>
      (
        await tx.query<ApprovalRow & { cursor_at: string }>(
          `SELECT ${APPROVAL_COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS cursor_at FROM approvals WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT $${params.length}`,
          params,
        )
      ).rows,
  );
  const page = rows.slice(0, query.limit);
  return { items: page.map((a) => present(ctx, a)), next_cursor: rows.length > query.limit ? encodeCursor(page[page.length - 1]!) : null };
}
