/**
 * Trains the prompt-injection detector: L2-regularised logistic regression over the hashed features of
 * orchestrator/src/modules/safety/injection/features.ts, on the TRAIN split of deepset/prompt-injections
 * only (the test split is the benchmark and is never read here). The regularisation strength and the
 * decision threshold are chosen by grouped, repeated 5-fold cross-validation inside the train split.
 * Deterministic: same data → same weights file.
 *
 *   npm run train:injection [-- --data <dir with train.jsonl>]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { extractFeatures, FEATURE_BITS, featureViews, normalise } from '../orchestrator/src/modules/safety/injection/features';

const ROOT = resolve(import.meta.dirname, '..');
const argIndex = process.argv.indexOf('--data');
const dataDir = argIndex > 0 ? process.argv[argIndex + 1]! : resolve(ROOT, '..', 'shared', 'benchmarks', 'deepset-prompt-injections');
const trainFile = resolve(dataDir, 'train.jsonl');
const outFile = resolve(ROOT, 'orchestrator/src/modules/safety/data/injection-model.json');

interface Vector {
  keys: Int32Array;
  values: Float64Array;
}

interface Row extends Vector {
  text: string;
  y: 0 | 1;
  /** The views the runtime scores (whole text and sentence tails), for out-of-fold evaluation. */
  views: Vector[];
}

const toVector = (x: Map<number, number>): Vector => ({ keys: Int32Array.from(x.keys()), values: Float64Array.from(x.values()) });
const toRow = (text: string, y: 0 | 1): Row => ({ text, y, ...toVector(extractFeatures(text)), views: [] });

const raw = readFileSync(trainFile, 'utf8');
const rows: Row[] = raw
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; label: 0 | 1 })
  .map((r) => ({ ...toRow(r.text, r.label), views: featureViews(r.text).map(toVector) }));

/** mulberry32: a tiny seeded PRNG so augmentation is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Composite examples built from the training rows themselves: an injection appended to a harmless
 * request stays an injection; two harmless requests stay harmless. Real attacks hide the instruction
 * after ordinary content, which whole-text features otherwise dilute.
 */
function augment(data: Row[], seed = 7): Row[] {
  const random = prng(seed);
  const benign = data.filter((r) => r.y === 0);
  const attacks = data.filter((r) => r.y === 1);
  const pick = (list: Row[]): Row => list[Math.floor(random() * list.length)]!;
  const extra: Row[] = [];
  for (const a of attacks) extra.push(toRow(`${pick(benign).text} ${a.text}`, 1));
  for (let i = 0; i < attacks.length; i++) extra.push(toRow(`${pick(benign).text} ${pick(benign).text}`, 0));
  return [...data, ...extra];
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

interface Model {
  weights: Float64Array;
  bias: number;
}

function margin(model: Model, r: Vector): number {
  let z = model.bias;
  for (let i = 0; i < r.keys.length; i++) z += model.weights[r.keys[i]!]! * r.values[i]!;
  return z;
}

/** Full-batch gradient descent with AdaGrad step sizes; classes re-weighted to equal total mass. */
function train(data: Row[], lambda: number, epochs = 300): Model {
  const size = 1 << FEATURE_BITS;
  const model: Model = { weights: new Float64Array(size), bias: 0 };
  const g2 = new Float64Array(size);
  const grad = new Float64Array(size);
  let b2 = 0;
  const positives = data.filter((r) => r.y === 1).length;
  const classWeight = { 1: data.length / (2 * positives), 0: data.length / (2 * (data.length - positives)) };
  const touchedSet = new Set<number>();
  for (const r of data) for (const k of r.keys) touchedSet.add(k);
  const touched = Int32Array.from(touchedSet);
  const rate = 0.5;
  for (let epoch = 0; epoch < epochs; epoch++) {
    let gBias = 0;
    for (const r of data) {
      const err = (sigmoid(margin(model, r)) - r.y) * classWeight[r.y];
      gBias += err;
      for (let i = 0; i < r.keys.length; i++) grad[r.keys[i]!]! += err * r.values[i]!;
    }
    for (const k of touched) {
      const g = grad[k]! / data.length + lambda * model.weights[k]!;
      grad[k] = 0;
      g2[k]! += g * g;
      model.weights[k]! -= (rate * g) / (Math.sqrt(g2[k]!) + 1e-8);
    }
    gBias /= data.length;
    b2 += gBias * gBias;
    model.bias -= (rate * gBias) / (Math.sqrt(b2) + 1e-8);
  }
  return model;
}

/**
 * Groups of near-duplicate rows: the dataset repeats the same sentence in translations and in composites
 * ("<question> <attack>"), so rows sharing a 5-word run are kept in one fold. Without this, CV rewards
 * memorising the duplicates and picks an over-confident threshold (0.70 instead of ~0.5).
 */
function groups(): number[] {
  const parent = rows.map((_, i) => i);
  const find = (x: number): number => (parent[x] === x ? x : (parent[x] = find(parent[x]!)));
  const seen = new Map<string, number>();
  rows.forEach((r, i) => {
    const w = normalise(r.text).match(/[\p{L}\p{N}]+/gu) ?? [];
    for (let j = 0; j + 5 <= w.length; j++) {
      const key = w.slice(j, j + 5).join(' ');
      const other = seen.get(key);
      if (other === undefined) seen.set(key, i);
      else parent[find(i)] = find(other);
    }
  });
  return rows.map((_, i) => find(i));
}

/** Fold of every row: whole groups, largest first, to the currently smallest fold (ties broken by seed). */
function assignFolds(group: number[], folds: number, seed: number): number[] {
  const random = prng(seed);
  const size = new Map<number, number>();
  for (const g of group) size.set(g, (size.get(g) ?? 0) + 1);
  const order = [...size.keys()].map((g) => ({ g, tie: random() })).sort((a, b) => size.get(b.g)! - size.get(a.g)! || a.tie - b.tie);
  const load = new Array<number>(folds).fill(0);
  const foldOf = new Map<number, number>();
  for (const { g } of order) {
    const f = load.indexOf(Math.min(...load));
    foldOf.set(g, f);
    load[f]! += size.get(g)!;
  }
  return group.map((g) => foldOf.get(g)!);
}

const GROUPS = groups();
const REPEATS = 2;
const FOLDS = 5;

/** Out-of-fold probabilities, scored as the runtime scores (worst view), for every row and repeat. */
function outOfFold(lambda: number): Array<{ p: number; y: 0 | 1 }> {
  const out: Array<{ p: number; y: 0 | 1 }> = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const fold = assignFolds(GROUPS, FOLDS, 100 + repeat);
    for (let f = 0; f < FOLDS; f++) {
      const model = train(
        augment(
          rows.filter((_, i) => fold[i] !== f),
          7 + 31 * repeat + f,
        ),
        lambda,
      );
      rows.forEach((r, i) => {
        if (fold[i] === f) out.push({ p: sigmoid(Math.max(...r.views.map((v) => margin(model, v)))), y: r.y });
      });
    }
  }
  return out;
}

type Scored = Array<{ p: number; y: 0 | 1 }>;
const logLoss = (s: Scored): number => -s.reduce((sum, x) => sum + Math.log(Math.min(1 - 1e-9, Math.max(1e-9, x.y === 1 ? x.p : 1 - x.p))), 0) / s.length;
const accuracyAt = (s: Scored, threshold: number): number => s.filter((x) => (x.p >= threshold ? 1 : 0) === x.y).length / s.length;

const fprAt = (s: Scored, threshold: number): number => s.filter((x) => x.y === 0 && x.p >= threshold).length / s.filter((x) => x.y === 0).length;

/**
 * Benign traffic of a support desk is mostly short requests ("Talk to a human, please") that this news-bot
 * dataset hardly contains, and a blocked customer costs more than a missed diversion (the rule layer and
 * the output checks still stand behind). So the threshold is the most accurate one whose out-of-fold
 * false-positive rate stays within this budget.
 */
const MAX_CV_FPR = 0.01;

// Regularisation (by log-loss) and then the decision threshold (by accuracy within the FPR budget) are
// chosen on out-of-fold predictions within the train split.
const thresholds = Array.from({ length: 15 }, (_, i) => 0.2 + i * 0.05);
const scores = [3e-6, 1e-5, 3e-5].map((lambda) => {
  const probs = outOfFold(lambda);
  const allowed = thresholds.filter((t) => fprAt(probs, t) <= MAX_CV_FPR);
  const best = (allowed.length ? allowed : thresholds.slice(-1))
    .map((threshold) => ({ threshold, cvAccuracy: accuracyAt(probs, threshold), cvFpr: fprAt(probs, threshold) }))
    .reduce((a, b) => (b.cvAccuracy > a.cvAccuracy ? b : a));
  const cvLogLoss = logLoss(probs);
  console.log(
    `lambda=${lambda}: CV log-loss ${cvLogLoss.toFixed(4)}, accuracy ${accuracyAt(probs, 0.5).toFixed(4)} at 0.5, best ${best.cvAccuracy.toFixed(4)} (FPR ${best.cvFpr.toFixed(4)}) at ${best.threshold.toFixed(2)}`,
  );
  return { lambda, cvLogLoss, ...best };
});
const best = scores.reduce((a, b) => (b.cvLogLoss < a.cvLogLoss ? b : a));
const model = train(augment(rows), best.lambda);

// Only buckets with a visible weight are stored; quantised to keep the file small and diffable.
const weights: Record<string, number> = {};
model.weights.forEach((w, k) => {
  if (Math.abs(w) >= 0.002) weights[k] = Math.round(w * 1e4) / 1e4;
});
const file = {
  kind: 'atrium-injection-logreg',
  version: 2,
  featureBits: FEATURE_BITS,
  bias: Math.round(model.bias * 1e4) / 1e4,
  threshold: Math.round(best.threshold * 100) / 100,
  training: {
    dataset: 'deepset/prompt-injections (train split only)',
    rows: rows.length,
    sha256: createHash('sha256').update(raw).digest('hex'),
    cv: `grouped ${FOLDS}-fold x${REPEATS}, scored on the worst of whole text and sentence tails`,
    lambda: best.lambda,
    cvAccuracy: Math.round(best.cvAccuracy * 1e4) / 1e4,
    cvFpr: Math.round(best.cvFpr * 1e4) / 1e4,
    cvLogLoss: Math.round(best.cvLogLoss * 1e4) / 1e4,
  },
  weights,
};
writeFileSync(outFile, `${JSON.stringify(file)}\n`);
console.log(`wrote ${outFile}: ${Object.keys(weights).length} weights, ${(JSON.stringify(file).length / 1024).toFixed(0)} KiB`);
