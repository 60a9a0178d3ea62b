import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import type { Principal, TenantRef } from '../../platform/http/context';
import { searchKnowledge } from './commands/search-knowledge';
import { addDocuments } from './commands/add-document';

let atrium: TestAtrium;
let tenant: TenantRef;
let other: TenantRef;
let admin: string;
let agent: string;
let otherAdmin: string;

const user = (slug: string, groups: string[]): Principal => ({
  kind: 'user',
  subject: `u-${groups.join('-')}`,
  tenants: [slug],
  roles: ['agent'],
  groups,
  scopes: [],
});

/** Polls the document until the pipeline reaches a terminal state (bounded: 20 s). */
async function settled(key: string, id: string) {
  for (let i = 0; i < 200; i++) {
    const r = await atrium.http.get(`/v1/knowledge/documents/${id}`).set(bearer(key));
    if (r.body.status === 'indexed' || r.body.status === 'failed') return r.body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`document ${id} did not settle`);
}

async function push(key: string, body: Record<string, unknown>) {
  const r = await atrium.http.post('/v1/knowledge/documents').set(bearer(key)).send(body);
  expect(r.status).toBe(202);
  return settled(key, r.body.id);
}

beforeAll(async () => {
  atrium = await createTestAtrium();
  tenant = await buildTenant(atrium.services);
  other = await buildTenant(atrium.services);
  admin = (await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] })).key;
  agent = (await buildApiKey(atrium.services, tenant, { scopes: ['agent'] })).key;
  otherAdmin = (await buildApiKey(atrium.services, other, { scopes: ['tenant_admin'] })).key;
});
afterAll(() => atrium?.close());

describe('knowledge documents and search', () => {
  it('indexes a pushed Markdown document and cites it with title, url and heading path', async () => {
    const doc = await push(admin, {
      title: 'Refund policy',
      url: 'https://help.example.com/refunds',
      text: '# Refunds\n\n## Timelines\n\nRefunds are paid back to the original card within 14 days of the return arriving.\n',
    });
    expect(doc).toMatchObject({ status: 'indexed', chunk_count: 1, error: null });
    const r = await atrium.http.post('/v1/knowledge/search').set(bearer(agent)).send({ query: 'how many days until my refund arrives?' });
    expect(r.status).toBe(200);
    expect(r.body.results[0]).toMatchObject({
      document_id: doc.id,
      title: 'Refund policy',
      url: 'https://help.example.com/refunds',
      heading_path: ['Refunds', 'Timelines'],
    });
    expect(r.body.results[0].snippet).toContain('14 days');
    expect(Object.keys(r.body.results[0]).sort()).toEqual(['chunk_id', 'document_id', 'heading_path', 'score', 'snippet', 'title', 'url']);
  });

  it('never returns a group-restricted chunk to someone outside its groups, nor to another tenant', async () => {
    await push(admin, { title: 'Salary bands', text: 'Confidential: the salary band for senior engineers is 120k to 150k.', groups: ['hr'] });
    const ask = (groups: string[]) =>
      searchKnowledge({ ctx: { services: atrium.services, tenant }, query: 'salary band senior engineers', topK: 5, principal: user(tenant.slug, groups) });
    expect((await ask(['hr'])).map((c) => c.title)).toContain('Salary bands');
    expect((await ask(['support'])).map((c) => c.title)).not.toContain('Salary bands');
    expect((await ask([])).map((c) => c.title)).not.toContain('Salary bands');

    const viaAgentKey = await atrium.http.post('/v1/knowledge/search').set(bearer(agent)).send({ query: 'salary band senior engineers' });
    expect(viaAgentKey.body.results.map((c: { title: string }) => c.title)).not.toContain('Salary bands');
    const otherTenant = await atrium.http.post('/v1/knowledge/search').set(bearer(otherAdmin)).send({ query: 'salary band senior engineers refund' });
    expect(otherTenant.body.results).toEqual([]);
  });

  it('does no chunking or embedding work when unchanged content is pushed again', async () => {
    const body = { title: 'Opening hours', text: 'We are open Monday to Friday from 9 to 17.', external_key: 'hours' };
    const first = await push(admin, body);
    const chunkIds = async () =>
      (await atrium.database.asSuperuser<{ id: string }>('SELECT id FROM knowledge_chunks WHERE document_id = $1', [first.id])).rows.map((r) => r.id);
    const before = await chunkIds();
    const second = await push(admin, body);
    expect(second.id).toBe(first.id);
    expect(second.indexed_at).toBe(first.indexed_at);
    expect(await chunkIds()).toEqual(before);

    const changed = await push(admin, { ...body, text: 'We are open Monday to Saturday from 9 to 18.' });
    expect(changed.indexed_at).not.toBe(first.indexed_at);
    expect(await chunkIds()).not.toEqual(before);
  });

  it('fails corrupt, empty and unsupported files clearly and leaves nothing indexed', async () => {
    const corrupt = await atrium.http
      .post('/v1/knowledge/upload')
      .set(bearer(admin))
      .attach('file', Buffer.from('%PDF-1.7 this is not really a pdf'), 'broken.pdf');
    expect(corrupt.status).toBe(202);
    expect(await settled(admin, corrupt.body.id)).toMatchObject({ status: 'failed', chunk_count: 0, error: { code: 'EXTRACTION_FAILED' } });

    const blank = await atrium.http.post('/v1/knowledge/upload').set(bearer(admin)).attach('file', Buffer.from('   \n\n  '), 'blank.txt');
    expect(await settled(admin, blank.body.id)).toMatchObject({ status: 'failed', error: { code: 'EMPTY_DOCUMENT' } });

    const badJson = await atrium.http.post('/v1/knowledge/upload').set(bearer(admin)).attach('file', Buffer.from('{"a": '), 'data.json');
    expect(await settled(admin, badJson.body.id)).toMatchObject({ status: 'failed', error: { code: 'EXTRACTION_FAILED' } });

    const unsupported = await atrium.http.post('/v1/knowledge/upload').set(bearer(admin)).attach('file', Buffer.from('MZ\0\0'), 'tool.exe');
    expect(unsupported.status).toBe(415);
    expect(unsupported.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const orphans = await atrium.database.asSuperuser<{ n: number }>(
      `SELECT count(*)::int AS n FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id WHERE d.status = 'failed'`,
    );
    expect(orphans.rows[0]!.n).toBe(0);
  });

  it('indexes a batch in one job while failing only its broken member', async () => {
    const ctx = {
      services: atrium.services,
      tenant,
      principal: { kind: 'platform' as const, subject: 'test', tenants: [], roles: [], groups: [], scopes: [] },
      requestId: 'test',
    };
    const [good, broken] = await addDocuments(ctx, [
      { title: 'Warranty', fileName: 'warranty.md', format: 'md', body: Buffer.from('Devices carry a two year warranty.') },
      { title: 'Broken', fileName: 'broken.docx', format: 'docx', body: Buffer.from('not a zip archive') },
    ]);
    expect(await settled(admin, good!.id)).toMatchObject({ status: 'indexed', chunk_count: 1 });
    expect(await settled(admin, broken!.id)).toMatchObject({ status: 'failed', error: { code: 'EXTRACTION_FAILED' } });
  });

  it('indexes an uploaded CSV as a table and an HTML page by its headings', async () => {
    const csv = await atrium.http
      .post('/v1/knowledge/upload')
      .set(bearer(admin))
      .attach('file', Buffer.from('plan,price\nstarter,9 EUR\nbusiness,49 EUR\n'), 'prices.csv');
    expect(await settled(admin, csv.body.id)).toMatchObject({ status: 'indexed', title: 'prices.csv' });
    const html = await atrium.http
      .post('/v1/knowledge/upload')
      .set(bearer(admin))
      .field('title', 'Shipping')
      .attach('file', Buffer.from('<html><body><h1>Shipping</h1><h2>Abroad</h2><p>Parcels abroad take five working days.</p></body></html>'), 'shipping.html');
    expect(await settled(admin, html.body.id)).toMatchObject({ status: 'indexed' });
    const r = await atrium.http.post('/v1/knowledge/search').set(bearer(admin)).send({ query: 'parcels abroad working days', top_k: 1 });
    expect(r.body.results[0]).toMatchObject({ title: 'Shipping', heading_path: ['Shipping', 'Abroad'] });
  });

  it('deletes a document with all its chunks and postings', async () => {
    const doc = await push(admin, { title: 'Temporary', text: 'A temporary announcement about the office move.' });
    const del = await atrium.http.delete(`/v1/knowledge/documents/${doc.id}`).set(bearer(admin));
    expect(del.status).toBe(204);
    const left = await atrium.database.asSuperuser<{ chunks: number; postings: number }>(
      `SELECT (SELECT count(*)::int FROM knowledge_chunks WHERE document_id = $1) AS chunks,
              (SELECT count(*)::int FROM knowledge_postings p WHERE NOT EXISTS (SELECT 1 FROM knowledge_chunks c WHERE c.id = p.chunk_id)) AS postings`,
      [doc.id],
    );
    expect(left.rows[0]).toEqual({ chunks: 0, postings: 0 });
    expect((await atrium.http.get(`/v1/knowledge/documents/${doc.id}`).set(bearer(admin))).status).toBe(404);
  });

  it('rejects writes from a read-only key, bad bodies and missing credentials', async () => {
    expect((await atrium.http.post('/v1/knowledge/documents').send({ title: 't', text: 'x' })).status).toBe(401);
    expect((await atrium.http.post('/v1/knowledge/documents').set(bearer(agent)).send({ title: 't', text: 'x' })).status).toBe(403);
    const bad = await atrium.http.post('/v1/knowledge/search').set(bearer(agent)).send({ query: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION');
  });
});
