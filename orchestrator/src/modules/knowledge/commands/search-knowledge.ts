import type { Principal } from '../../../platform/http/context';
import type { Services } from '../../../platform/services';
import { embedderFor } from '../embedding/create-embedder';
import { embedderIdentity } from '../embedding/embedder';
import { vectorsUsable } from '../index-identity';
import type { Citation } from '../knowledge.schema';
import { searchBm25, type AccessFilter } from '../retrieval/bm25';
import { convexCombination } from '../retrieval/fusion';
import { searchVector } from '../retrieval/vector';
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

/**
 * Hybrid retrieval: BM25 over the inverted index and cosine kNN over HNSW, fused by convex combination,
 * inside one tenant-scoped transaction (RLS) with the caller's group filter applied in both lanes, so a
 * restricted chunk can never reach the results, a chat context or a citation. Returns citation objects.
 */
export async function searchKnowledge(input: SearchKnowledgeInput, reranker?: Reranker): Promise<KnowledgeHit[]> {
  const { services, tenant } = input.ctx;
  const clock = stepClock();
  const started = performance.now();
  const access = accessFor(input.principal);
  const { embedder, vectorWeight } = embedderFor(services.config);
  const limit = Math.max(CANDIDATES_PER_LANE, input.topK * 3);
  // embed before opening the transaction: a remote embedder must not hold a database connection
  const [queryVector] = await embedder.embed([input.query], 'query');
  clock.lap('embed');

  const { fused, rows, stale } = await services.db.withTenant(tenant.id, async (tx) => {
    clock.lap('begin');
    const lexical = await searchBm25(tx, tenant.id, input.query, access, limit);
    clock.lap('bm25');
    const state = await vectorsUsable(tx, embedder);
    const semantic =
      state.usable && queryVector && queryVector.some((v) => v !== 0)
        ? await searchVector(tx, tenant.id, queryVector, access, limit, services.config.KNOWLEDGE_HNSW_EF_SEARCH)
        : [];
    clock.lap('knn');
    const ranked = convexCombination(lexical, semantic, semantic.length > 0 ? vectorWeight : 0).slice(0, input.topK);
    clock.lap('fuse');
    const details = await tx.query<{ id: string; document_id: string; title: string; url: string | null; heading_path: string[]; content: string }>(
      `SELECT c.id, c.document_id, d.title, d.url, c.heading_path, c.content
       FROM knowledge_chunks c JOIN knowledge_documents d ON d.tenant_id = c.tenant_id AND d.id = c.document_id
       WHERE c.tenant_id = $2 AND c.id = ANY($1::uuid[])`,
      // tenant_id leads both primary keys: without it the planner cannot probe them and scans every chunk
      [ranked.map((r) => r.chunkId), tenant.id],
    );
    clock.lap('citations');
    return { fused: ranked, rows: new Map(details.rows.map((row) => [row.id, row])), stale: state.stale };
  });
  clock.lap('commit');
  clock.record(searchLaneSeconds, 'lane');
  searchLaneSeconds.observe({ lane: 'total' }, (performance.now() - started) / 1000);
  if (stale) {
    await services.queue.enqueue(reembedTenantJob, { tenantId: tenant.id }, { idempotencyKey: `reembed:${tenant.id}:${embedderIdentity(embedder)}` });
  }

  const citations = fused.flatMap((hit): KnowledgeHit[] => {
    const row = rows.get(hit.chunkId);
    if (!row || hit.score < (input.minScore ?? 0)) return [];
    return [
      {
        document_id: row.document_id,
        chunk_id: row.id,
        title: row.title,
        url: row.url,
        heading_path: row.heading_path,
        snippet: snippetOf(row.content),
        content: row.content,
        score: Number(hit.score.toFixed(6)),
      },
    ];
  });
  return reranker ? reranker(input.query, citations) : citations;
}
