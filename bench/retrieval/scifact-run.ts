import type { Principal } from '../../orchestrator/src/platform/http/context';
import { addDocuments, searchKnowledge, embedderFor } from '../../orchestrator/src/modules/knowledge';
import { searchBm25 } from '../../orchestrator/src/modules/knowledge/retrieval/bm25';
import { searchVector } from '../../orchestrator/src/modules/knowledge/retrieval/vector';
import { createTenant } from '../../orchestrator/src/modules/tenants';
import { percentile } from '../lib/report';
import type { BenchAtrium } from './environment';
import { loadSciFact, ndcgAt, recallAt, uniqueInOrder } from './scifact';
import { indexStageSeconds, searchLaneSeconds } from '../../orchestrator/src/modules/knowledge/knowledge.metrics';
import { describeSteps } from './stages';

const ADMIN: Principal = { kind: 'platform', subject: 'bench', tenants: [], roles: ['platform_admin'], groups: [], scopes: [] };
const PUSH_BATCH = 32;
const INGEST_TIMEOUT_MS = 20 * 60_000;

export interface LaneScore {
  ndcg10: number;
  recall100: number;
}

export interface SciFactResult {
  documents: number;
  chunks: number;
  failed: number;
  ingestSeconds: number;
  docsPerSecond: number;
  hybrid: LaneScore & { p50: number; p95: number };
  /** Latency at the size chat uses (top 10), the figure the p50 target is about. */
  top10: { p50: number; p95: number };
  bm25: LaneScore;
  vector: LaneScore;
  queries: number;
}

function score(runs: Array<{ queryId: string; docs: string[] }>, qrels: Map<string, Set<string>>): LaneScore {
  let ndcg = 0;
  let recall = 0;
  for (const run of runs) {
    ndcg += ndcgAt(run.docs, qrels.get(run.queryId)!, 10);
    recall += recallAt(run.docs, qrels.get(run.queryId)!, 100);
  }
  return { ndcg10: ndcg / runs.length, recall100: recall / runs.length };
}

/**
 * SciFact through the product's own path: each abstract is pushed with addDocument (what
 * POST /v1/knowledge/documents calls) and indexed by the knowledge.index-document job on the worker;
 * queries go through searchKnowledge (what POST /v1/knowledge/search and chat call).
 */
export async function runSciFact(bench: BenchAtrium, log: (line: string) => void): Promise<SciFactResult> {
  const { services } = bench;
  const data = loadSciFact();
  // smoke runs only: a partial corpus makes the scores meaningless, so the caller does not record them
  if (process.env.BENCH_SCIFACT_DOCS) data.corpus = data.corpus.slice(0, Number(process.env.BENCH_SCIFACT_DOCS));
  const tenant = await createTenant({
    ctx: { services, requestId: 'bench', log: services.log, principal: ADMIN, tenant: null },
    slug: 'scifact',
    name: 'SciFact',
  });
  const ctx = { services, tenant: { id: tenant.id, slug: tenant.slug, name: tenant.name, status: 'active' as const }, principal: ADMIN, requestId: 'bench' };

  const started = performance.now();
  // pushed in batches, as `atrium ingest` and crawls do; each batch is one transaction and one indexing job
  for (let offset = 0; offset < data.corpus.length; offset += PUSH_BATCH) {
    const batch = data.corpus.slice(offset, offset + PUSH_BATCH);
    await addDocuments(
      ctx,
      batch.map((doc) => ({ title: doc.title, fileName: `${doc.id}.txt`, format: 'txt' as const, body: Buffer.from(doc.text, 'utf8'), externalKey: doc.id })),
    );
  }
  let settled = { done: 0, failed: 0 };
  while (performance.now() - started < INGEST_TIMEOUT_MS) {
    const r = await bench.superuser.query<{ done: number; failed: number }>(
      `SELECT count(*) FILTER (WHERE status IN ('indexed', 'failed'))::int AS done, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM knowledge_documents WHERE tenant_id = $1`,
      [tenant.id],
    );
    settled = r.rows[0]!;
    if (settled.done >= data.corpus.length) break;
    if (Math.round(performance.now() - started) % 10_000 < 1000)
      log(`  indexed ${settled.done}/${data.corpus.length} after ${((performance.now() - started) / 1000).toFixed(0)} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const ingestSeconds = (performance.now() - started) / 1000;
  // summed over the workers' batches, so with N workers the stages add up to about N × the wall time
  log(`  ingest stages (summed over batches): ${await describeSteps(indexStageSeconds, 'stage')}`);
  // what autovacuum does shortly after a bulk load (insert-triggered since PG13): statistics, and the visibility
  // map that lets BM25 read posting lists with index-only scans; searching before it runs is slower, not wrong
  await bench.superuser.query('VACUUM ANALYZE');
  const chunks = await bench.superuser.query<{ n: number }>('SELECT count(*)::int AS n FROM knowledge_chunks WHERE tenant_id = $1', [tenant.id]);
  const docOf = new Map(
    (
      await bench.superuser.query<{ id: string; key: string }>(
        'SELECT c.id, d.external_key AS key FROM knowledge_chunks c JOIN knowledge_documents d ON d.id = c.document_id WHERE c.tenant_id = $1',
        [tenant.id],
      )
    ).rows.map((r) => [r.id, r.key]),
  );
  const toDocs = (chunkIds: string[]) => uniqueInOrder(chunkIds.map((id) => docOf.get(id)!));

  const hybridRuns: Array<{ queryId: string; docs: string[] }> = [];
  const latencies: number[] = [];
  for (const query of data.queries.slice(0, 10)) await searchKnowledge({ ctx, query: query.text, topK: 100, principal: ADMIN }); // warm-up
  for (const query of data.queries) {
    const t0 = performance.now();
    const citations = await searchKnowledge({ ctx, query: query.text, topK: 100, principal: ADMIN });
    latencies.push(performance.now() - t0);
    hybridRuns.push({ queryId: query.id, docs: toDocs(citations.map((c) => c.chunk_id)) });
  }

  const top10: number[] = [];
  searchLaneSeconds.reset();
  for (const query of data.queries) {
    const t0 = performance.now();
    await searchKnowledge({ ctx, query: query.text, topK: 10, principal: ADMIN });
    top10.push(performance.now() - t0);
  }
  log(`  top-10 search, mean per lane: ${await describeSteps(searchLaneSeconds, 'lane', true)}`);

  // each lane alone, for transparency about what fusion adds
  const { embedder } = embedderFor(services.config);
  const access = { groups: [], seesAllGroups: true };
  const bm25Runs: Array<{ queryId: string; docs: string[] }> = [];
  const vectorRuns: Array<{ queryId: string; docs: string[] }> = [];
  for (const query of data.queries) {
    const [vector] = await embedder.embed([query.text], 'query');
    const [lexical, semantic] = await services.db.withTenant(tenant.id, async (tx) => [
      await searchBm25(tx, tenant.id, query.text, access, 100),
      await searchVector(tx, tenant.id, vector!, access, 100, services.config.KNOWLEDGE_HNSW_EF_SEARCH),
    ]);
    bm25Runs.push({ queryId: query.id, docs: toDocs(lexical.map((r) => r.chunkId)) });
    vectorRuns.push({ queryId: query.id, docs: toDocs(semantic.map((r) => r.chunkId)) });
  }

  return {
    documents: data.corpus.length,
    chunks: chunks.rows[0]!.n,
    failed: settled.failed,
    ingestSeconds,
    docsPerSecond: data.corpus.length / ingestSeconds,
    hybrid: { ...score(hybridRuns, data.qrels), p50: percentile(latencies, 50), p95: percentile(latencies, 95) },
    bm25: score(bm25Runs, data.qrels),
    vector: score(vectorRuns, data.qrels),
    top10: { p50: percentile(top10, 50), p95: percentile(top10, 95) },
    queries: data.queries.length,
  };
}
