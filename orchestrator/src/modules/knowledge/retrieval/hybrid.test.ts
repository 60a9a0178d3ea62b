import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../../test/support/app';
import { buildTenant } from '../../../../../test/factories';
import type { Principal, TenantRef } from '../../../platform/http/context';
import { addDocuments } from '../commands/add-document';
import { accessFor } from '../commands/search-knowledge';
import { embedderFor } from '../embedding/create-embedder';
import { embedderIdentity } from '../embedding/embedder';
import { searchBm25, type AccessFilter } from './bm25';
import { convexCombination } from './fusion';
import { hybridSearch } from './hybrid';
import { searchVector } from './vector';

// The one-statement search must rank exactly as the lanes run one by one and fused in JS (fusion.ts) did.
let atrium: TestAtrium;
let tenant: TenantRef;
const admin: Principal = { kind: 'platform', subject: 'test', tenants: [], roles: ['platform_admin'], groups: [], scopes: [] };

const TOPICS = [
  ['Refunds', 'Refunds are paid back to the original payment method within 14 days of the return arriving.', []],
  ['Refund exceptions', 'Gift cards and personalised items cannot be refunded; vouchers are paid back as store credit.', []],
  ['Delivery address', 'You can change the delivery address until the parcel has been handed to the carrier.', []],
  ['Payment methods', 'We accept credit cards, PayPal, SEPA direct debit and invoices for business customers.', []],
  ['Passwords', 'To reset your password, use the link on the sign-in page; the reset email is valid for one hour.', []],
  ['Shipping', 'Standard shipping within Germany is free for orders above 50 EUR and takes two to three days.', []],
  ['Sales margins', 'Internal: refund approvals above 500 EUR need the sales lead; margins on returns are tracked weekly.', ['sales']],
  ['Payroll', 'Internal: payroll runs on the 25th; refunds of expenses are paid with the next payroll.', ['hr']],
] as const;

beforeAll(async () => {
  atrium = await createTestAtrium();
  tenant = await buildTenant(atrium.services);
  const ctx = { services: atrium.services, tenant, principal: admin, requestId: 'test' };
  const docs = await addDocuments(
    ctx,
    TOPICS.map(([title, text, groups]) => ({
      title,
      fileName: `${title}.md`,
      format: 'md' as const,
      body: Buffer.from(`# ${title}\n\n${text}`),
      groups: [...groups],
    })),
  );
  for (let i = 0; i < 200; i++) {
    const r = await atrium.database.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM knowledge_documents WHERE status = 'indexed' AND id = ANY($1::uuid[])`,
      [docs.map((d) => d.id)],
    );
    if (r.rows[0]!.n === docs.length) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('documents were not indexed');
});
afterAll(() => atrium?.close());

const QUERIES = ['how long do refunds take', 'refund', 'change delivery address', 'payment with paypal', 'payroll refunds', 'zzz unknown words'];
const agent = (groups: string[]): Principal => ({ kind: 'user', subject: 'u1', tenants: [], roles: ['agent'], groups, scopes: [] });

async function both(query: string, access: AccessFilter, topK: number, embedder = embedderFor(atrium.services.config)) {
  const [vector] = await embedder.embedder.embed([query], 'query');
  const limit = 50;
  return atrium.services.db.withTenant(tenant.id, async (tx) => {
    const lexical = await searchBm25(tx, tenant.id, query, access, limit);
    const semantic = await searchVector(tx, tenant.id, vector!, access, limit, atrium.services.config.KNOWLEDGE_HNSW_EF_SEARCH);
    const expected = convexCombination(lexical, semantic, semantic.length > 0 ? embedder.vectorWeight : 0).slice(0, topK);
    const actual = await hybridSearch(tx, {
      tenantId: tenant.id,
      query,
      access,
      limit,
      topK,
      vector: vector!,
      dimensions: vector!.length,
      embedder: embedderIdentity(embedder.embedder),
      vectorWeight: embedder.vectorWeight,
    });
    return { expected, actual, lexical };
  });
}

describe('one-statement hybrid search', () => {
  it.each([
    ['an admin', admin],
    ['an agent of sales', agent(['sales'])],
    ['an agent of no group', agent([])],
  ])('ranks and scores exactly as the lanes fused in JS, for %s', async (_, principal) => {
    for (const query of QUERIES) {
      for (const topK of [3, 10]) {
        const { expected, actual } = await both(query, accessFor(principal), topK);
        expect(
          actual.hits.map((h) => h.chunkId),
          query,
        ).toEqual(expected.map((e) => e.chunkId));
        actual.hits.forEach((hit, i) => expect(hit.score).toBeCloseTo(expected[i]!.score, 12));
        expect(actual.stale).toBe(false);
      }
    }
  });

  it('returns the citation details and never a chunk outside the caller’s groups', async () => {
    const { actual } = await both('refunds payroll margins', accessFor(agent(['sales'])), 10);
    const titles = actual.hits.map((h) => h.title);
    expect(titles).toContain('Sales margins');
    expect(titles).not.toContain('Payroll');
    const refunds = actual.hits.find((h) => h.title === 'Refunds')!;
    expect(refunds.content).toContain('within 14 days');
    expect(refunds.headingPath).toEqual(['Refunds']);
    expect(refunds.documentId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('skips the vector lane and reports the index stale when the tenant’s vectors come from another embedder', async () => {
    const stored = embedderFor(atrium.services.config);
    const [vector] = await stored.embedder.embed(['how long do refunds take'], 'query');
    const actual = await atrium.services.db.withTenant(tenant.id, (tx) =>
      hybridSearch(tx, {
        tenantId: tenant.id,
        query: 'how long do refunds take',
        access: accessFor(admin),
        limit: 50,
        topK: 5,
        vector: vector!,
        dimensions: vector!.length,
        embedder: 'another-model@384',
        vectorWeight: stored.vectorWeight,
      }),
    );
    const lexicalOnly = await atrium.services.db.withTenant(tenant.id, async (tx) =>
      convexCombination(await searchBm25(tx, tenant.id, 'how long do refunds take', accessFor(admin), 50), [], 0).slice(0, 5),
    );
    expect(actual.stale).toBe(true);
    expect(actual.hits.map((h) => h.chunkId)).toEqual(lexicalOnly.map((e) => e.chunkId));
    expect(actual.tenantChunks).toBe(TOPICS.length);
  });

  it('answers with no hits (and the tenant’s sizes) when nothing matches and there is no query vector', async () => {
    const actual = await atrium.services.db.withTenant(tenant.id, (tx) =>
      hybridSearch(tx, {
        tenantId: tenant.id,
        query: 'zzz qqq',
        access: accessFor(admin),
        limit: 50,
        topK: 5,
        vector: null,
        dimensions: embedderFor(atrium.services.config).embedder.dimensions,
        embedder: embedderIdentity(embedderFor(atrium.services.config).embedder),
        vectorWeight: 0.3,
      }),
    );
    expect(actual).toMatchObject({ hits: [], stale: false, tenantChunks: TOPICS.length });
  });
});
