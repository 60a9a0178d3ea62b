import type { Response } from 'express';
import Papa from 'papaparse';
import type { TenantContext } from '../../../platform/http/context';
import { actorOf, recordAudit, verifyAuditChain } from '../../audit';
import type { AuditFilter } from '../governance.schema';
import { presentAuditRow } from '../governance.presenter';
import { auditQuery } from './query-audit-log';

const BATCH = 1000;
const CSV_COLUMNS = [
  'seq',
  'id',
  'occurred_at',
  'actor_type',
  'actor_ref',
  'actor_label',
  'action',
  'resource_type',
  'resource_id',
  'data',
  'request_id',
  'prev_hash',
  'hash',
];

type Item = ReturnType<typeof presentAuditRow>;
const csvRow = (i: Item) => [
  i.seq,
  i.id,
  i.occurred_at,
  i.actor.type,
  i.actor.ref,
  i.actor.label ?? '',
  i.action,
  i.resource.type,
  i.resource.id ?? '',
  JSON.stringify(i.data),
  i.request_id ?? '',
  i.prev_hash,
  i.hash,
];

/**
 * Streams the filtered log oldest-first in batches (constant memory whatever the size). The chain is verified
 * first, so its result travels in the headers and as the first record: a reader knows before the first row
 * whether the evidence holds, and every row that follows is one the verification covered. Papa Parse does the CSV quoting (fields hold JSON with commas and quotes).
 */
export async function exportAuditLog(ctx: TenantContext, filter: AuditFilter & { format: 'jsonl' | 'csv' }, res: Response): Promise<void> {
  const { db } = ctx.services;
  const tenantId = ctx.tenant.id;
  const chain = await verifyAuditChain(db, tenantId);
  await db.withTenant(tenantId, (tx) =>
    recordAudit(tx, tenantId, {
      action: 'audit.exported',
      actor: actorOf(ctx.principal),
      resource: { type: 'audit_log' },
      data: { format: filter.format, filter: { ...filter, format: undefined }, chain_ok: chain.ok },
      requestId: ctx.requestId,
    }),
  );
  const verification = { ok: chain.ok, checked: chain.checked, last_seq: chain.lastSeq, first_broken: chain.firstBroken ?? null };
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  res.status(200);
  res.setHeader('Content-Type', filter.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
  res.setHeader('Content-Disposition', `attachment; filename="audit-${ctx.tenant.slug}-${stamp}.${filter.format}"`);
  res.setHeader('X-Audit-Chain-Ok', String(chain.ok));
  res.setHeader('X-Audit-Chain-Checked', String(chain.checked));
  if (filter.format === 'csv') {
    res.write(
      `# chain_verification ok=${chain.ok} checked=${chain.checked} last_seq=${chain.lastSeq}${chain.firstBroken ? ` first_broken=${chain.firstBroken.seq}:${chain.firstBroken.reason}` : ''}\n`,
    );
    res.write(Papa.unparse([CSV_COLUMNS]) + '\r\n');
  } else {
    res.write(JSON.stringify({ type: 'chain_verification', tenant: ctx.tenant.slug, ...verification }) + '\n');
  }
  // A verified chain is exported exactly as verified: rows appended meanwhile (this export's own audit row among
  // them) wait for the next export. A broken chain is exported whole, the rows past the break included.
  const verifiedUpTo = chain.ok ? chain.lastSeq + 1 : undefined;
  let afterSeq = 0;
  for (;;) {
    const { sql, params } = auditQuery(tenantId, filter, { afterSeq, beforeSeq: verifiedUpTo, limit: BATCH, order: 'asc' });
    const rows = await db.withTenant(tenantId, (tx) => tx.query<Parameters<typeof presentAuditRow>[0]>(sql, params));
    if (!rows.rows.length) break;
    const items = rows.rows.map(presentAuditRow);
    const chunk =
      filter.format === 'csv' ? Papa.unparse(items.map(csvRow)) + '\r\n' : items.map((i) => JSON.stringify({ type: 'audit_event', ...i })).join('\n') + '\n';
    if (!res.write(chunk)) await new Promise((resolve) => (res.once('drain', resolve), res.once('close', resolve)));
    if (res.destroyed) return; // the client went away: stop reading
    afterSeq = items[items.length - 1]!.seq;
    if (rows.rows.length < BATCH) break;
  }
  res.end();
}
