import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, startWorker, stopServices } from '../../boot';
import { loadConfig } from '../../platform/config';
import type { Principal, TenantRef } from '../../platform/http/context';
import type { Services } from '../../platform/services';
import { buildTenant } from '../../../../test/factories';
import { addDocument } from './commands/add-document';
import { searchKnowledge } from './commands/search-knowledge';

/** The embedded default (PGlite 0.5 = PG 18 + pgvector 0.8.7 in WASM) runs the same pipeline and SQL. */
let services: Services;
let tenant: TenantRef;
const admin: Principal = { kind: 'platform', subject: 'test', tenants: [], roles: ['platform_admin'], groups: [], scopes: [] };
const reader = (groups: string[]): Principal => ({ kind: 'user', subject: 'reader', tenants: [], roles: ['viewer'], groups, scopes: [] });

async function waitIndexed(ids: string[]) {
  for (let i = 0; i < 300; i++) {
    const r = await services.db.withTenant(tenant.id, (tx) =>
      tx.query<{ status: string }>('SELECT status FROM knowledge_documents WHERE id = ANY($1::uuid[])', [ids]),
    );
    if (r.rows.every((row) => row.status === 'indexed' || row.status === 'failed')) return r.rows.map((row) => row.status);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('documents did not settle on PGlite');
}

beforeAll(async () => {
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ATRIUM_DATA_DIR: mkdtempSync(join(tmpdir(), 'atrium-knowledge-pglite-')) });
  services = await createServices(config);
  await startWorker(services);
  tenant = await buildTenant(services);
}, 300_000); // PGlite boot + migrations take 10-100 s on a busy 2-core machine
afterAll(async () => services && stopServices(services));

describe('knowledge on embedded PGlite', () => {
  it('indexes documents and answers hybrid searches with group filtering', async () => {
    expect(services.db.kind).toBe('pglite');
    const ctx = { services, tenant, principal: admin, requestId: 'test' };
    const docs = await Promise.all([
      addDocument({
        ctx,
        title: 'VPN setup',
        fileName: 'vpn.md',
        format: 'md',
        body: Buffer.from('# VPN\n\nInstall the WireGuard client and import the company profile.'),
      }),
      addDocument({
        ctx,
        title: 'Expense claims',
        fileName: 'expenses.md',
        format: 'md',
        body: Buffer.from('Submit receipts for travel expenses within 30 days.'),
      }),
      addDocument({
        ctx,
        title: 'Board minutes',
        fileName: 'board.md',
        format: 'md',
        body: Buffer.from('The board approved the WireGuard rollout budget.'),
        groups: ['board'],
      }),
    ]);
    expect(await waitIndexed(docs.map((d) => d.id))).toEqual(['indexed', 'indexed', 'indexed']);

    const everyone = await searchKnowledge({ ctx, query: 'how do I install the wireguard vpn client', topK: 5, principal: reader([]) });
    expect(everyone[0]?.title).toBe('VPN setup');
    expect(everyone.map((c) => c.title)).not.toContain('Board minutes');
    const board = await searchKnowledge({ ctx, query: 'wireguard rollout budget', topK: 5, principal: reader(['board']) });
    expect(board[0]?.title).toBe('Board minutes');
  });
});
