/**
 * `npm run bench:retrieval`: (1) BEIR SciFact ingested through the real knowledge pipeline into PostgreSQL +
 * pgvector and scored on the 300 test queries (nDCG@10, recall@100, ingest docs/s, search p50/p95);
 * (2) 100,000 synthetic chunks from the offline embedder: HNSW recall@10 against exact search, latency,
 * and a group filter matching 10% of rows. Writes the figures to BENCHMARKS.md (section "retrieval").
 * Knobs: BENCH_SYNTHETIC_CHUNKS (default 100000; 0 skips part 2), BENCH_INGEST_CONCURRENCY (default 4),
 * BENCH_SCIFACT=0 skips part 1 (smoke runs; BENCHMARKS.md is then left untouched).
 */
import { loadavg } from 'node:os';
import { embedderFor } from '../orchestrator/src/modules/knowledge';
import { recordBenchmark } from './lib/report';
import { startBenchAtrium } from './retrieval/environment';
import { runSciFact, type SciFactResult } from './retrieval/scifact-run';
import { runSynthetic, type SyntheticResult } from './retrieval/synthetic-run';

const SYNTHETIC_CHUNKS = Number(process.env.BENCH_SYNTHETIC_CHUNKS ?? 100_000);
const CONCURRENCY = Number(process.env.BENCH_INGEST_CONCURRENCY ?? 4);
const RUN_SCIFACT = process.env.BENCH_SCIFACT !== '0';
const PARTIAL = Boolean(process.env.BENCH_SCIFACT_DOCS);
const log = (line: string) => console.log(line);
const f3 = (n: number) => n.toFixed(3);
const ms = (n: number) => `${n.toFixed(1)} ms`;
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');

function sciFactSection(r: SciFactResult, embedderId: string): string {
  return [
    `### BEIR SciFact (${r.documents} abstracts → ${r.chunks} chunks, ${r.queries} test queries), offline embedder \`${embedderId}\`, no API key`,
    '',
    '| metric | measured | target | |',
    '|---|---|---|---|',
    `| nDCG@10, hybrid (BM25 + vectors, convex fusion) | **${f3(r.hybrid.ndcg10)}** | ≥ 0.665 (BM25, BEIR paper); stretch ≥ 0.70 | ${verdict(r.hybrid.ndcg10 >= 0.665)} |`,
    `| recall@100, hybrid | ${f3(r.hybrid.recall100)} | (BM25 in BEIR: 0.908) | |`,
    `| nDCG@10 / recall@100, BM25 lane alone | ${f3(r.bm25.ndcg10)} / ${f3(r.bm25.recall100)} | | |`,
    `| nDCG@10 / recall@100, offline vector lane alone | ${f3(r.vector.ndcg10)} / ${f3(r.vector.recall100)} | | |`,
    `| ingest, whole corpus (push → extract → chunk → embed → index, ${CONCURRENCY} workers) | ${r.ingestSeconds.toFixed(1)} s (${r.docsPerSecond.toFixed(0)} docs/s), ${r.failed} failed | < 60 s | ${verdict(r.ingestSeconds < 60)} |`,
    `| search latency p50 / p95, top 10 (searchKnowledge end to end: embed, BM25, kNN, fuse, citations) | ${ms(r.top10.p50)} / ${ms(r.top10.p95)} | p50 ≤ 20 ms | ${verdict(r.top10.p50 <= 20)} |`,
    `| search latency p50 / p95, top 100 (the scoring runs above) | ${ms(r.hybrid.p50)} / ${ms(r.hybrid.p95)} | | |`,
    '',
    'Scoring follows shared/benchmarks/README.md §1.3: chunks are collapsed to their document (best chunk first), every query is counted (missing = 0).',
  ].join('\n');
}

function syntheticSection(r: SyntheticResult): string {
  return [
    `### ${r.chunks.toLocaleString('en')} synthetic chunks (offline embedder vectors), HNSW \`${r.index}\` (pgvector defaults m=16, ef_construction=64 unless given), ef_search=${r.efSearch}`,
    '',
    '| metric | measured | target | |',
    '|---|---|---|---|',
    `| recall@10 against exact search (full precision) | **${f3(r.unfiltered.recall10)}** | ≥ 0.95 | ${verdict(r.unfiltered.recall10 >= 0.95)} |`,
    `| kNN p50 / p95 (HNSW) | ${ms(r.unfiltered.p50)} / ${ms(r.unfiltered.p95)} (exact p50 ${ms(r.unfiltered.exactP50)}) | p50 ≤ 25 ms | ${verdict(r.unfiltered.p50 <= 25)} |`,
    `| group filter matching 10% of rows: rows returned (mean / min of 10) | ${r.filtered.meanReturned.toFixed(2)} / ${r.filtered.minReturned} | 10 | ${verdict(r.filtered.minReturned === 10)} |`,
    `| group filter: recall@10 against exact, p50 / p95 | ${f3(r.filtered.recall10)}, ${ms(r.filtered.p50)} / ${ms(r.filtered.p95)} | | |`,
    `| bulk load / HNSW build (maintenance_work_mem 1GB) | ${r.loadSeconds.toFixed(0)} s / ${r.indexBuildSeconds.toFixed(0)} s | | |`,
  ].join('\n');
}

function record(name: string, command: string, section: string): void {
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  const note = `Load average at the end of the run (1/5/15 min): ${load} on 2 cores shared with other workloads; timings vary by ±30% or more.`;
  recordBenchmark({ name, command, body: `${section}\n\n${note}` });
  log(`BENCHMARKS.md updated (section "${name}").`);
}

const bench = await startBenchAtrium(CONCURRENCY);
try {
  const embedderId = embedderFor(bench.services.config).embedder.id;
  // each part writes its own section as soon as it is measured, so the parts can also run separately
  if (RUN_SCIFACT) {
    log('SciFact: ingesting through the knowledge pipeline …');
    const scifact = await runSciFact(bench, log);
    log(JSON.stringify(scifact));
    if (PARTIAL) log('SciFact partial (BENCH_SCIFACT_DOCS): BENCHMARKS.md not updated.');
    else record('retrieval', 'npm run bench:retrieval (BENCH_SYNTHETIC_CHUNKS=0 runs only this part)', sciFactSection(scifact, embedderId));
  }
  if (SYNTHETIC_CHUNKS > 0) {
    log(`Synthetic: ${SYNTHETIC_CHUNKS} chunks …`);
    const synthetic = await runSynthetic(bench, SYNTHETIC_CHUNKS, log);
    log(JSON.stringify(synthetic));
    if (SYNTHETIC_CHUNKS === 100_000) record('retrieval-100k', 'npm run bench:retrieval (BENCH_SCIFACT=0 runs only this part)', syntheticSection(synthetic));
    else log('Synthetic run below 100,000 chunks: BENCHMARKS.md not updated.');
  }
} finally {
  await bench.close();
}
