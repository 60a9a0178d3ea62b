import { AppError } from '../../../platform/errors';
import { actorOf, recordAudit } from '../../audit';
import type { z } from 'zod';
import type { updateSourceBody } from '../knowledge.schema';
import { getSource, type SourceRow } from '../source-store';
import type { KnowledgeContext } from './add-document';

/**
 * Renames or reconfigures a source. New groups apply to its documents, chunks and postings at once,
 * in the same transaction: narrowing access must never wait for a re-index.
 */
export async function updateSource({ ctx, id, input }: { ctx: KnowledgeContext; id: string; input: z.infer<typeof updateSourceBody> }): Promise<SourceRow> {
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const source = await getSource(tx, id);
    if (input.config && source.kind !== 'web') throw new AppError('VALIDATION', 'config: only web sources have a configuration');
    const groups = input.groups ? [...new Set(input.groups)].sort() : source.access_groups;
    await tx.query(`UPDATE knowledge_sources SET name = $2, config = $3, access_groups = $4, sensitivity = $5, updated_at = now() WHERE id = $1`, [
      id,
      input.name ?? source.name,
      JSON.stringify(input.config ?? source.config),
      groups,
      input.sensitivity ?? source.sensitivity,
    ]);
    if (input.groups) {
      await tx.query('UPDATE knowledge_documents SET access_groups = $2, updated_at = now() WHERE source_id = $1', [id, groups]);
      await tx.query('UPDATE knowledge_chunks c SET access_groups = $2 FROM knowledge_documents d WHERE d.id = c.document_id AND d.source_id = $1', [
        id,
        groups,
      ]);
      await tx.query(
        `UPDATE knowledge_postings p SET access_groups = nullif($2::text[], '{}')
         FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id WHERE c.id = p.chunk_id AND d.source_id = $1`,
        [id, groups],
      );
    }
    await recordAudit(tx, ctx.tenant.id, {
      action: 'knowledge.source.updated',
      actor: actorOf(ctx.principal),
      resource: { type: 'knowledge_source', id },
      data: { fields: Object.keys(input) },
      requestId: ctx.requestId,
    });
    return getSource(tx, id);
  });
}
