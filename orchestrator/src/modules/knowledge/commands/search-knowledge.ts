import type { Principal } from '../../../platform/http/context';
import type { Services } from '../../../platform/services';
import { embedderFor } from '../embedding/create-embedder';
import { embedderIdentity } from '../embedding/embedder';
import type { Citation } from '../knowledge.schema';
import type { AccessFilter } from '../retrieval/bm25';
import { hybridSearch } from '../retrieval/hybrid';
import { forcesHnsw, knnSettings } from '../retrieval/vector';
import { reembedTenantJob } from '../jobs/reembed-tenant.job';
import { searchLaneSeconds, stepClock } from '../knowledge.metrics';

export interface SearchKnowledgeInput {
  ctx: { services: Services; tenant: { id: string } };
  query: string;
  topK: number;
  /** Whose permissions apply: the end user in chat, the caller in the API. */
  principal: Principal;
  /** Fused scores (0..1) below this are dropped. */
  minScore?: number;
}

/** A citation plus the chunk's full text, which the chat engine puts in the prompt (the API returns citations only). */
export type KnowledgeHit = Citation & { content: string };

/** Optional second stage (e.g. a cross-encoder) that may reorder or drop the fused candidates. */
export type Reranker = (query: string, candidates: KnowledgeHit[]) => Promise<KnowledgeHit[]>;

/** How many candidates each lane contributes before fusion. */
const CANDIDATES_PER_LANE = 50;
const SNIPPET_CHARS = 320;

/** Tenant admins manage every document, so they may also find every document; everyone else by group. */
export function accessFor(principal: Principal): AccessFilter {
  const roles = new Set([...principal.roles, ...principal.scopes.filter((s) => !s.includes(':'))]);
  return { groups: principal.groups, seesAllGroups: principal.kind === 'platform' || roles.has('tenant_admin') || roles.has('platform_admin') };
}

function snippetOf(content: string): string {
  const flat = content.replace(/\s+/g, ' ').trim();
  if (flat.length <= SNIPPET_CHARS) return flat;
  const cut = flat.lastIndexOf(' ', SNIPPET_CHARS);
  return `${flat.slice(0, cut > SNIPPET_CHARS / 2 ? cut : SNIPPET_CHARS)}…`;
}

/** Per tenant, the sizes the last search saw: the next search's kNN plan choice (a plan hint, so a stale one is harmless). */
const lastSizes = new Map<string, { tenantChunks: number; tableRows: number }>();
const SIZES_KEPT = 10_000;

/**
 * Hybrid retrieval: BM25 over the inverted index and cosine kNN over HNSW, fused by convex combination,
 * inside one tenant-scoped transaction (RLS) with the caller's group filter applied in both lanes, so a
 * restricted chunk can never reach the results, a chat context or a citation. Returns citation objects.
 * Three round trips in all (BEGIN with the kNN settings, the one-statement search of hybrid.ts, COMMIT): search
 * sits on the path to a chat answer's first token, where each round trip showed.
 */
export async function searchKnowledge(input: SearchKnowledgeInput, reranker?: Reranker): Promise<KnowledgeHit[]> {
  const { services, tenant } = input.ctx;
  const clock = stepClock();
  const started = performance.now();
  const { embedder, vectorWeight } = embedderFor(services.config);
  const limit = Math.max(CANDIDATES_PER_LANE, input.topK * 3);
  // embed before opening the transaction: a remote embedder must not hold a database connection
  const [queryVector] = await embedder.embed([input.query], 'query');
  clock.lap('embed');

  const sizes = lastSizes.get(tenant.id);
  const settings = knnSettings(services.config.KNOWLEDGE_HNSW_EF_SEARCH, limit, sizes ? forcesHnsw(sizes.tenantChunks, sizes.tableRows, limit) : false);
  const identity = embedderIdentity(embedder);
  const result = await services.db.withTenant(
    tenant.id,
    (tx) =>
      hybridSearch(tx, {
        tenantId: tenant.id,
        query: input.query,
        access: accessFor(input.principal),
        limit,
        topK: input.topK,
        vector: queryVector && queryVector.some((v) => v !== 0) ? queryVector : null,
        dimensions: queryVector?.length ?? embedder.dimensions,
        embedder: identity,
        vectorWeight,
      }),
    { settings, readOnly: true },
  );
  clock.lap('database');
  if (lastSizes.size >= SIZES_KEPT) lastSizes.clear();
  lastSizes.set(tenant.id, { tenantChunks: result.tenantChunks, tableRows: result.tableRows });
  clock.record(searchLaneSeconds, 'lane');
  searchLaneSeconds.observe({ lane: 'total' }, (performance.now() - started) / 1000);
  if (result.stale) {
    await services.queue.enqueue(reembedTenantJob, { tenantId: tenant.id }, { idempotencyKey: `reembed:${tenant.id}:${identity}` });
  }

  const citations = result.hits.flatMap((hit): KnowledgeHit[] =>
    hit.score < (input.minScore ?? 0)
      ? []
      : [
          {
            document_id: hit.documentId,
            chunk_id: hit.chunkId,
            title: hit.title,
            url: hit.url,
            heading_path: hit.headingPath,
            snippet: snippetOf(hit.content),
            content: hit.content,
            score: Number(hit.score.toFixed(6)),
          },
        ],
  );
  return reranker ? reranker(input.query, citations) : citations;
}
