import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** Fields covered by the hash; anything else on the row is not part of the evidence. */
export interface ChainedRow {
  tenant_id: string;
  seq: number;
  id: string;
  occurred_at: string;
  actor_type: string;
  actor_ref: string;
  action: string;
  resource_type: string;
  resource_id: string | null;
  data: unknown;
  request_id: string | null;
  prev_hash: string;
}

/** JSON with sorted keys at every level, so jsonb's reordering cannot change a hash. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export function rowHash(row: ChainedRow): string {
  const { prev_hash, ...rest } = row;
  return createHash('sha256').update(prev_hash).update('\n').update(canonicalJson(rest)).digest('hex');
}
