import { actorOf, recordAudit } from '../../audit';
import { getSource } from '../source-store';
import type { KnowledgeContext } from './add-document';

/** Deletes a source with its documents; chunks and postings go by cascade in the same transaction. */
export async function deleteSource({ ctx, id }: { ctx: KnowledgeContext; id: string }): Promise<void> {
  await ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const source = await getSource(tx, id);
    await tx.query('DELETE FROM knowledge_sources WHERE id = $1', [id]);
    await recordAudit(tx, ctx.tenant.id, {
      action: 'knowledge.source.deleted',
      actor: actorOf(ctx.principal),
      resource: { type: 'knowledge_source', id },
      data: { documents: source.document_count },
      requestId: ctx.requestId,
    });
  });
}
