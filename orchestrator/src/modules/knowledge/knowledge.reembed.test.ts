import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { buildTenant } from '../../../../test/factories';
import type { Principal, TenantRef } from '../../platform/http/context';
import type { Services } from '../../platform/services';
import { addDocuments } from './commands/add-document';
import { reembedTenant } from './commands/reembed-tenant';
import { searchKnowledge } from './commands/search-knowledge';
import { embedderFor } from './embedding/create-embedder';
import { vectorsUsable } from './index-identity';

let atrium: TestAtrium;
let tenant: TenantRef;
const admin: Principal = { kind: 'platform', subject: 'test', tenants: [], roles: ['platform_admin'], groups: [], scopes: [] };

/** The same process with another embedder configured (here: the offline one at another size). */
const withDimensions = (services: Services, dimensions: number): Services => ({
  ...services,
  config: Object.freeze({ ...services.config, EMBEDDINGS_DIMENSIONS: dimensions }),
});

beforeAll(async () => {
  atrium = await createTestAtrium();
  tenant = await buildTenant(atrium.services);
  const ctx = { services: atrium.services, tenant, principal: admin, requestId: 'test' };
  const docs = await addDocuments(ctx, [
    { title: 'Parking', fileName: 'parking.md', format: 'md', body: Buffer.from('Visitors park in the underground garage, level -2.') },
    { title: 'Lunch', fileName: 'lunch.md', format: 'md', body: Buffer.from('The canteen serves lunch from 11:30 to 14:00.') },
  ]);
  for (let i = 0; i < 200; i++) {
    const r = await atrium.database.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM knowledge_documents WHERE status = 'indexed' AND id = ANY($1::uuid[])`,
      [docs.map((d) => d.id)],
    );
    if (r.rows[0]!.n === 2) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('documents were not indexed');
});
afterAll(() => atrium?.close());

describe('changing the embedder', () => {
  it('switches the vector lane off until every chunk is re-embedded, then records the new index identity', async () => {
    const resized = withDimensions(atrium.services, 256);
    const usable = () => atrium.services.db.withTenant(tenant.id, (tx) => vectorsUsable(tx, embedderFor(resized.config).embedder));
    expect(await usable()).toEqual({ usable: false, stale: true });
    // lexical search keeps answering meanwhile
    const during = await searchKnowledge({ ctx: { services: resized, tenant }, query: 'where do visitors park', topK: 3, principal: admin });
    expect(during[0]?.title).toBe('Parking');

    expect(await reembedTenant(resized, tenant.id)).toBe(2);
    expect(await usable()).toEqual({ usable: true, stale: false });
    const dims = await atrium.database.asSuperuser<{ dims: number; n: number }>(
      'SELECT embedding_dims AS dims, count(*)::int AS n FROM knowledge_chunks WHERE tenant_id = $1 GROUP BY 1',
      [tenant.id],
    );
    expect(dims.rows).toEqual([{ dims: 256, n: 2 }]);
    const after = await searchKnowledge({ ctx: { services: resized, tenant }, query: 'canteen lunch hours', topK: 3, principal: admin });
    expect(after[0]?.title).toBe('Lunch');
  });
});
