import type { Queryable } from '../../platform/db';
import { embedderIdentity, type Embedder } from './embedding/embedder';

/**
 * Which embedder a tenant's vectors come from. Written by the first indexed document; when the process
 * is configured with another embedder, `vectorsUsable` is false until the re-embed job has converted
 * every chunk, so search never compares a query vector with vectors from another model's space.
 */
export async function ensureIndexIdentity(tx: Queryable, tenantId: string, embedder: Embedder): Promise<void> {
  await tx.query(`INSERT INTO knowledge_settings (tenant_id, embedder, embedding_dims) VALUES ($1, $2, $3) ON CONFLICT (tenant_id) DO NOTHING`, [
    tenantId,
    embedderIdentity(embedder),
    embedder.dimensions,
  ]);
}

export async function vectorsUsable(tx: Queryable, embedder: Embedder): Promise<{ usable: boolean; stale: boolean }> {
  const r = await tx.query<{ embedder: string }>('SELECT embedder FROM knowledge_settings');
  const stored = r.rows[0]?.embedder;
  if (stored === undefined) return { usable: true, stale: false };
  const matches = stored === embedderIdentity(embedder);
  return { usable: matches, stale: !matches };
}
