import { Histogram } from 'prom-client';
import { metricsRegistry } from '../../platform/metrics';

/**
 * Where ingest and search time goes, per stage: the figures the retrieval benchmark prints and an operator
 * reads when indexing falls behind or search slows down (the totals alone do not say which stage to fix).
 */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const indexStageSeconds = new Histogram({
  name: 'atrium_knowledge_index_stage_seconds',
  help: 'Indexing time per batch of documents, by pipeline stage (load, extract, chunk, embed, write).',
  labelNames: ['stage'] as const,
  buckets: BUCKETS,
  registers: [metricsRegistry],
});

export const searchLaneSeconds = new Histogram({
  name: 'atrium_knowledge_search_lane_seconds',
  help: 'Hybrid search time per step (embed: the query embedding; database: the one-statement search) and for the whole search (total).',
  labelNames: ['lane'] as const,
  buckets: BUCKETS,
  registers: [metricsRegistry],
});

/**
 * Splits elapsed time into named steps: `lap(step)` adds the time since the previous lap to that step
 * (steps may repeat, e.g. once per document), `record()` observes each step's total once.
 */
export function stepClock() {
  const totals = new Map<string, number>();
  let last = performance.now();
  return {
    lap(step: string) {
      const now = performance.now();
      totals.set(step, (totals.get(step) ?? 0) + (now - last) / 1000);
      last = now;
    },
    record(histogram: Histogram<string>, label: string) {
      for (const [step, seconds] of totals) histogram.observe({ [label]: step }, seconds);
    },
  };
}
