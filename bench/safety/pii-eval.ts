/**
 * Span scoring for presidio-synth-pii, following benchmarks/README §3.5: Presidio's entity map, character
 * IoU ≥ 0.9 (one prediction matches at most one gold span), per-type P/R, type-agnostic P/R/F2 both over
 * all gold spans and over supported types only, and the leak rate (gold PII characters left unredacted).
 */
import { readFileSync } from 'node:fs';

export interface GoldSpan {
  type: string;
  start: number;
  end: number;
}
export interface Sample {
  text: string;
  spans: GoldSpan[];
  templateId: number;
}
export interface PredSpan {
  type: string;
  start: number;
  end: number;
}

/** Presidio's default evaluation map (presidio-research), applied to gold and predictions alike. */
const ENTITY_MAP: Record<string, string> = {
  STREET_ADDRESS: 'LOCATION',
  GPE: 'LOCATION',
  CITY: 'LOCATION',
  DOMAIN_NAME: 'URL',
  NORP: 'NRP',
  NATIONALITY: 'NRP',
};
export const mapType = (t: string): string => ENTITY_MAP[t] ?? t;

export function loadPiiSamples(path: string): Sample[] {
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Array<{
    full_text: string;
    template_id: number;
    spans: Array<{ entity_type: string; start_position: number; end_position: number }>;
  }>;
  return raw.map((r) => ({
    text: r.full_text,
    templateId: r.template_id,
    spans: r.spans.map((s) => ({ type: mapType(s.entity_type), start: s.start_position, end: s.end_position })),
  }));
}

const iou = (a: { start: number; end: number }, b: { start: number; end: number }): number => {
  const inter = Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start));
  return inter / (Math.max(a.end, b.end) - Math.min(a.start, b.start));
};

export interface Counts {
  tp: number;
  predicted: number;
  gold: number;
}
export interface PiiScore {
  perType: Map<string, Counts>;
  anyType: Counts;
  anyTypeSupported: Counts;
  leakedChars: Map<string, { leaked: number; total: number }>;
}

const bump = (m: Map<string, Counts>, t: string, k: keyof Counts): void => {
  const c = m.get(t) ?? { tp: 0, predicted: 0, gold: 0 };
  c[k]++;
  m.set(t, c);
};

/** Greedy one-to-one matching by best IoU; typed=true requires equal types. */
function matchCount(gold: GoldSpan[], pred: PredSpan[], typed: boolean): { matchedGold: Set<number>; matchedPred: Set<number> } {
  const pairs: Array<[number, number, number]> = [];
  gold.forEach((g, gi) =>
    pred.forEach((p, pi) => {
      if (typed && g.type !== p.type) return;
      const v = iou(g, p);
      if (v >= 0.9) pairs.push([v, gi, pi]);
    }),
  );
  pairs.sort((a, b) => b[0] - a[0]);
  const matchedGold = new Set<number>();
  const matchedPred = new Set<number>();
  for (const [, gi, pi] of pairs) {
    if (matchedGold.has(gi) || matchedPred.has(pi)) continue;
    matchedGold.add(gi);
    matchedPred.add(pi);
  }
  return { matchedGold, matchedPred };
}

export function scorePii(samples: Sample[], predict: (text: string) => PredSpan[], supported: Set<string>): PiiScore {
  const perType = new Map<string, Counts>();
  const anyType: Counts = { tp: 0, predicted: 0, gold: 0 };
  const anyTypeSupported: Counts = { tp: 0, predicted: 0, gold: 0 };
  const leakedChars = new Map<string, { leaked: number; total: number }>();
  for (const sample of samples) {
    const pred = predict(sample.text).map((p) => ({ ...p, type: mapType(p.type) }));
    const typed = matchCount(sample.spans, pred, true);
    sample.spans.forEach((g, i) => {
      bump(perType, g.type, 'gold');
      if (typed.matchedGold.has(i)) bump(perType, g.type, 'tp');
    });
    pred.forEach((p) => bump(perType, p.type, 'predicted'));
    const any = matchCount(sample.spans, pred, false);
    anyType.tp += any.matchedGold.size;
    anyType.gold += sample.spans.length;
    anyType.predicted += pred.length;
    const supportedGold = sample.spans.filter((g) => supported.has(g.type));
    // Supported view: gold and predictions both restricted to the supported types.
    const supportedPred = pred.filter((p) => supported.has(p.type));
    const anySupported = matchCount(supportedGold, supportedPred, false);
    anyTypeSupported.tp += anySupported.matchedGold.size;
    anyTypeSupported.gold += supportedGold.length;
    anyTypeSupported.predicted += supportedPred.length;
    const covered = new Uint8Array(sample.text.length);
    for (const p of pred) covered.fill(1, p.start, p.end);
    for (const g of sample.spans) {
      const leak = leakedChars.get(g.type) ?? { leaked: 0, total: 0 };
      for (let i = g.start; i < g.end; i++) {
        if (/\s/.test(sample.text[i]!)) continue;
        leak.total++;
        if (!covered[i]) leak.leaked++;
      }
      leakedChars.set(g.type, leak);
    }
  }
  return { perType, anyType, anyTypeSupported, leakedChars };
}

export const precision = (c: Counts): number => (c.predicted ? c.tp / c.predicted : 0);
export const recall = (c: Counts): number => (c.gold ? c.tp / c.gold : 0);
export function fBeta(c: Counts, beta = 2): number {
  const p = precision(c);
  const r = recall(c);
  return p + r === 0 ? 0 : ((1 + beta * beta) * p * r) / (beta * beta * p + r);
}
