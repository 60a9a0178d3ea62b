import type { Principal } from '../../orchestrator/src/platform/http/context';
import { embedderFor } from '../../orchestrator/src/modules/knowledge';
import { toVectorLiteral } from '../../orchestrator/src/modules/knowledge/embedding/embedder';
import { searchVector } from '../../orchestrator/src/modules/knowledge/retrieval/vector';
import { accessPredicate, type AccessFilter } from '../../orchestrator/src/modules/knowledge/retrieval/bm25';
import { createTenant } from '../../orchestrator/src/modules/tenants';
import { percentile } from '../lib/report';
import type { BenchAtrium } from './environment';

/**
 * 100,000 synthetic chunks embedded by the real offline embedder: text drawn from 300 "topics" over a
 * 6,000-word pseudo vocabulary (Zipf inside each topic plus background words), so vectors cluster like
 * real documents instead of being uniform noise (which makes any HNSW look broken, datalayer §5.12).
 * 10% of the chunks carry the group "sales", the rest "engineering": a sales user's filter matches 10%.
 */
const ADMIN: Principal = { kind: 'platform', subject: 'bench', tenants: [], roles: ['platform_admin'], groups: [], scopes: [] };
const BATCH = 500;
const QUERIES = 200;

function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return s / 2 ** 32;
  };
}

function makeVocabulary(random: () => number): string[] {
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'qui', 'dor', 'fen', 'gal', 'hus', 'jor', 'bel', 'cin', 'wex', 'yul'];
  const words = new Set<string>();
  while (words.size < 6000) words.add(Array.from({ length: 2 + Math.floor(random() * 3) }, () => syllables[Math.floor(random() * syllables.length)]).join(''));
  return [...words];
}

function zipfPick(random: () => number, n: number): number {
  return Math.min(n - 1, Math.floor(Math.exp(random() * Math.log(n + 1)) - 1));
}

export function syntheticTexts(count: number, words: number, seed: number): string[] {
  const vocabulary = makeVocabulary(rng(42));
  const topicRandom = rng(7);
  const topics = Array.from({ length: 300 }, () => Array.from({ length: 60 }, () => vocabulary[Math.floor(topicRandom() * vocabulary.length)]!));
  const random = rng(seed);
  return Array.from({ length: count }, () => {
    const topic = topics[Math.floor(random() * topics.length)]!;
    return Array.from({ length: words }, () =>
      random() < 0.75 ? topic[zipfPick(random, topic.length)] : vocabulary[zipfPick(random, vocabulary.length)],
    ).join(' ');
  });
}

export interface SyntheticResult {
  chunks: number;
  /** The HNSW index as the migrations define it (operator class and build options), and the ef_search used. */
  index: string;
  efSearch: number;
  loadSeconds: number;
  indexBuildSeconds: number;
  unfiltered: { recall10: number; p50: number; p95: number; exactP50: number };
  filtered: { recall10: number; meanReturned: number; minReturned: number; p50: number; p95: number };
}

const literal = (v: Float32Array) => `[${Array.from(v, (x) => (x === 0 ? '0' : x.toFixed(5))).join(',')}]`;

export async function runSynthetic(bench: BenchAtrium, total: number, log: (line: string) => void): Promise<SyntheticResult> {
  const { services, superuser } = bench;
  const { embedder } = embedderFor(services.config);
  const dims = embedder.dimensions;
  const tenant = await createTenant({
    ctx: { services, requestId: 'bench', log: services.log, principal: ADMIN, tenant: null },
    slug: 'synthetic',
    name: 'Synthetic',
  });

  // bulk load as the owner, then build the HNSW index once (incremental inserts would be ~10x slower),
  // rebuilt from the migrations' own definition so the figures are those of the product's index
  const loadStarted = performance.now();
  const index = await superuser.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE indexname = $1`, [`knowledge_chunks_hnsw_${dims}`]);
  const indexDefinition = index.rows[0]?.indexdef;
  if (!indexDefinition) throw new Error(`no HNSW index for ${dims} dimensions in the migrations`);
  await superuser.query(`DROP INDEX knowledge_chunks_hnsw_${dims}`);
  const doc = await superuser.query<{ id: string }>(
    `INSERT INTO knowledge_documents (tenant_id, title, status) VALUES ($1, 'synthetic', 'indexed') RETURNING id`,
    [tenant.id],
  );
  const texts = syntheticTexts(total, 40, 1);
  for (let offset = 0; offset < total; offset += BATCH) {
    const batch = texts.slice(offset, offset + BATCH);
    const vectors = await embedder.embed(batch, 'document');
    const rows = batch.map((content, i) => ({
      ordinal: offset + i,
      content,
      groups: (offset + i) % 10 === 3 ? ['sales'] : ['engineering'],
      embedding: literal(vectors[i]!),
    }));
    await superuser.query(
      `INSERT INTO knowledge_chunks (tenant_id, document_id, ordinal, char_start, char_end, content, token_count, term_count, access_groups, embedding, embedding_dims)
       SELECT $1, $2, r.ordinal, 0, length(r.content), r.content, 40, 40, ARRAY(SELECT jsonb_array_elements_text(r.groups)), r.embedding::vector, $4
       FROM jsonb_to_recordset($3::jsonb) AS r(ordinal int, content text, groups jsonb, embedding text)`,
      [tenant.id, doc.rows[0]!.id, JSON.stringify(rows), dims],
    );
    if ((offset / BATCH) % 40 === 0) log(`  loaded ${offset + batch.length}/${total}`);
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const buildStarted = performance.now();
  await superuser.query(`SET maintenance_work_mem = '1GB'`);
  await superuser.query(indexDefinition);
  const indexBuildSeconds = (performance.now() - buildStarted) / 1000;
  await superuser.query('ANALYZE knowledge_chunks');
  log(`  loaded in ${loadSeconds.toFixed(0)} s, HNSW built in ${indexBuildSeconds.toFixed(0)} s`);

  const queries = await embedder.embed(syntheticTexts(QUERIES, 8, 99), 'query');
  const everyone: AccessFilter = { groups: [], seesAllGroups: true };
  const sales: AccessFilter = { groups: ['sales'], seesAllGroups: false };
  const run = async (vector: Float32Array, access: AccessFilter, exact: boolean, efSearch = services.config.KNOWLEDGE_HNSW_EF_SEARCH) =>
    services.db.withTenant(tenant.id, async (tx) => {
      const t0 = performance.now();
      if (!exact) {
        const rows = await searchVector(tx, tenant.id, vector, access, 10, efSearch);
        return { ids: rows.map((r) => r.chunkId), ms: performance.now() - t0 };
      }
      // ground truth: a full scan at full precision (the index holds half-precision copies)
      const truth = await tx.query<{ id: string }>(
        `SELECT c.id FROM knowledge_chunks c WHERE c.tenant_id = $4 AND c.embedding_dims = ${dims} AND ${accessPredicate('c', 2)}
         ORDER BY (c.embedding::vector(${dims})) <=> $1::vector(${dims}), c.id DESC LIMIT 10`,
        [toVectorLiteral(vector), access.seesAllGroups, access.groups, tenant.id],
      );
      return { ids: truth.rows.map((r) => r.id), ms: performance.now() - t0 };
    });

  // exact results per (filter, query), computed once: the ef_search sweep reuses them
  const truths = new Map<string, { ids: string[]; ms: number }>();
  const measure = async (access: AccessFilter, efSearch?: number) => {
    let recall = 0;
    const returned: number[] = [];
    const latency: number[] = [];
    const exactLatency: number[] = [];
    for (const [i, vector] of queries.entries()) {
      const approximate = await run(vector, access, false, efSearch);
      const key = `${access.groups.join(',')}:${i}`;
      const truth = truths.get(key) ?? (await run(vector, access, true));
      truths.set(key, truth);
      const truthSet = new Set(truth.ids);
      recall += approximate.ids.filter((id) => truthSet.has(id)).length / Math.max(1, truth.ids.length);
      returned.push(approximate.ids.length);
      latency.push(approximate.ms);
      exactLatency.push(truth.ms);
    }
    return { recall10: recall / queries.length, returned, latency, exactLatency };
  };
  for (const vector of queries.slice(0, 20)) await run(vector, everyone, false); // warm-up
  const open = await measure(everyone);
  const filtered = await measure(sales);
  // BENCH_EF_SWEEP=40,100,200: recall/latency at other ef_search values on the same index (logged only), to pick the default
  for (const ef of (process.env.BENCH_EF_SWEEP ?? '').split(',').filter(Boolean).map(Number)) {
    const swept = await measure(everyone, ef);
    log(
      `  ef_search ${ef}: recall@10 ${swept.recall10.toFixed(3)}, p50 ${percentile(swept.latency, 50).toFixed(1)} ms, p95 ${percentile(swept.latency, 95).toFixed(1)} ms`,
    );
  }
  return {
    chunks: total,
    index: indexDefinition.replace(/^.*USING hnsw /, '').replace(/\s+WHERE .*$/, ''),
    efSearch: services.config.KNOWLEDGE_HNSW_EF_SEARCH,
    loadSeconds,
    indexBuildSeconds,
    unfiltered: { recall10: open.recall10, p50: percentile(open.latency, 50), p95: percentile(open.latency, 95), exactP50: percentile(open.exactLatency, 50) },
    filtered: {
      recall10: filtered.recall10,
      meanReturned: filtered.returned.reduce((a, b) => a + b, 0) / filtered.returned.length,
      minReturned: Math.min(...filtered.returned),
      p50: percentile(filtered.latency, 50),
      p95: percentile(filtered.latency, 95),
    },
  };
}
