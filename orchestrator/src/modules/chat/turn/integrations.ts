import type { Services } from '../../../platform/services';
import { searchKnowledge } from '../../knowledge';
import { createSafetyGate, policyFromTenantConfig } from '../../safety';
import type { TenantConfig } from '../../tenants';
import type { Retriever, SafetyGate } from './ports';

/**
 * Where the turn meets knowledge retrieval and the safety layer, each through its module's index.ts.
 * Retrieval runs with the caller's own permissions, so a restricted document never reaches the prompt.
 */
export function retrieverFor(_services: Services): Retriever {
  return {
    async retrieve(ctx, { query, topK, minScore }) {
      const hits = await searchKnowledge({ ctx, query, topK, minScore, principal: ctx.principal });
      return hits.map((hit) => ({
        chunkId: hit.chunk_id,
        documentId: hit.document_id,
        title: hit.heading_path.length ? `${hit.title} › ${hit.heading_path.join(' › ')}` : hit.title,
        url: hit.url,
        text: hit.content, // the model is grounded on the whole chunk; citations still show the snippet
        score: hit.score,
      }));
    },
  };
}

/**
 * The tenant's safety policy as the turn's gate (input, retrieved chunks, tool output and the answer) and the key its
 * retrieved-chunk scans are cached under. Made once per configuration object: the active configuration is cached and
 * shared by every turn (never mutated), so building the gate and serialising the policy on each turn was waste.
 */
const gates = new WeakMap<TenantConfig, { gate: SafetyGate; policyKey: string }>();
export function safetyGateFor(config: TenantConfig): { gate: SafetyGate; policyKey: string } {
  let made = gates.get(config);
  if (!made) gates.set(config, (made = { gate: createSafetyGate(policyFromTenantConfig(config)), policyKey: JSON.stringify(config.safety) }));
  return made;
}
