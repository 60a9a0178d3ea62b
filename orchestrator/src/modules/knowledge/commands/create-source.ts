import { actorOf, recordAudit } from '../../audit';
import type { CreateSourceInput } from '../knowledge.schema';
import { getSource, type SourceRow } from '../source-store';
import type { KnowledgeContext } from './add-document';

export async function createSource({ ctx, input }: { ctx: KnowledgeContext; input: CreateSourceInput }): Promise<SourceRow> {
  return ctx.services.db.withTenant(ctx.tenant.id, async (tx) => {
    const r = await tx.query<{ id: string }>(
      `INSERT INTO knowledge_sources (tenant_id, kind, name, config, access_groups, sensitivity) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [
        ctx.tenant.id,
        input.kind,
        input.name,
        JSON.stringify('config' in input ? input.config : {}),
        [...new Set(input.groups)].sort(),
        input.sensitivity ?? 'internal',
      ],
    );
    const id = r.rows[0]!.id;
    await recordAudit(tx, ctx.tenant.id, {
      action: 'knowledge.source.created',
      actor: actorOf(ctx.principal),
      resource: { type: 'knowledge_source', id },
      data: { kind: input.kind },
      requestId: ctx.requestId,
    });
    return getSource(tx, id);
  });
}
