import type { Histogram } from 'prom-client';

/** Per-step totals (seconds, observations) of a knowledge.metrics histogram, to show where time went. */
export async function stepTotals(histogram: Histogram<string>, label: string): Promise<Map<string, { seconds: number; count: number }>> {
  const totals = new Map<string, { seconds: number; count: number }>();
  for (const sample of (await histogram.get()).values) {
    const step = String(sample.labels[label]);
    const entry = totals.get(step) ?? { seconds: 0, count: 0 };
    if (sample.metricName?.endsWith('_sum')) entry.seconds = sample.value;
    else if (sample.metricName?.endsWith('_count')) entry.count = sample.value;
    else continue;
    totals.set(step, entry);
  }
  return totals;
}

/** "load 1.2 s, extract 0.3 s, …" (sum over batches) or, with `perCall`, the mean per observation in ms. */
export async function describeSteps(histogram: Histogram<string>, label: string, perCall = false): Promise<string> {
  const parts = [...(await stepTotals(histogram, label))].map(([step, t]) =>
    perCall ? `${step} ${((t.seconds / Math.max(1, t.count)) * 1000).toFixed(2)} ms` : `${step} ${t.seconds.toFixed(1)} s`,
  );
  return parts.join(', ');
}
