import type { Services } from '../../../platform/services';
import { embedderFor } from '../embedding/create-embedder';
import { embedderIdentity, toVectorLiteral } from '../embedding/embedder';
import { indexedText } from '../indexing/write-chunks';

const DOCUMENTS_PER_BATCH = 20;

/**
 * Re-embeds, document by document, every chunk whose vectors came from another embedder, then records
 * the new identity. Chunk text and BM25 postings are kept: only vectors change, so lexical search keeps
 * working throughout and nothing is re-extracted.
 */
export async function reembedTenant(services: Services, tenantId: string): Promise<number> {
  const { embedder } = embedderFor(services.config);
  const identity = embedderIdentity(embedder);
  let converted = 0;
  for (;;) {
    const docs = await services.db.withTenant(tenantId, (tx) =>
      tx.query<{ id: string; title: string }>(
        `SELECT id, title FROM knowledge_documents WHERE status = 'indexed' AND embedder IS DISTINCT FROM $1 ORDER BY id LIMIT ${DOCUMENTS_PER_BATCH}`,
        [identity],
      ),
    );
    if (docs.rows.length === 0) break;
    for (const doc of docs.rows) {
      const chunks = await services.db.withTenant(tenantId, (tx) =>
        tx.query<{ id: string; content: string; heading_path: string[] }>(
          'SELECT id, content, heading_path FROM knowledge_chunks WHERE document_id = $1 ORDER BY ordinal',
          [doc.id],
        ),
      );
      const vectors = await embedder.embed(
        chunks.rows.map((c) => indexedText(doc.title, { content: c.content, headingPath: c.heading_path })),
        'document',
      );
      await services.db.withTenant(tenantId, async (tx) => {
        await tx.query(
          `UPDATE knowledge_chunks c SET embedding = v.embedding::vector, embedding_dims = $3
           FROM jsonb_to_recordset($2::jsonb) AS v(id uuid, embedding text) WHERE c.id = v.id AND c.document_id = $1`,
          [doc.id, JSON.stringify(chunks.rows.map((c, i) => ({ id: c.id, embedding: toVectorLiteral(vectors[i]!) }))), embedder.dimensions],
        );
        await tx.query('UPDATE knowledge_documents SET embedder = $2, updated_at = now() WHERE id = $1', [doc.id, identity]);
      });
      converted++;
    }
  }
  await services.db.withTenant(tenantId, (tx) =>
    tx.query(
      `INSERT INTO knowledge_settings (tenant_id, embedder, embedding_dims) VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id) DO UPDATE SET embedder = excluded.embedder, embedding_dims = excluded.embedding_dims, updated_at = now()`,
      [tenantId, identity, embedder.dimensions],
    ),
  );
  return converted;
}
