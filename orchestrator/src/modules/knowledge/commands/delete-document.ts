import { actorOf, recordAudit } from '../../audit';
import { getDocument } from '../document-store';
import type { KnowledgeContext } from './add-document';

/** Removes a document; its chunks, postings and pending bytes go by cascade in the same transaction. */
export async function deleteDocument({ ctx, id }: { ctx: KnowledgeContext; id: string }): Promise<void> {
  await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const doc = await getDocument(tx, id);
    await tx.query('DELETE FROM knowledge_documents WHERE id = $1', [id]);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'knowledge.document.deleted',
      actor: actorOf(ctx.principal),
      resource: { type: 'knowledge_document', id },
      data: { chunks: doc.chunk_count },
      requestId: ctx.requestId,
    });
  });
}
