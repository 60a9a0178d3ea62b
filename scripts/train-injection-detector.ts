/**
 * Trains the prompt-injection detector: L2-regularised logistic regression over the hashed features of
 * orchestrator/src/modules/safety/injection/features.ts, on the TRAIN split of deepset/prompt-injections
 * only (the test split is the benchmark and is never read here). The regularisation strength is chosen by
 * 5-fold cross-validation inside the train split. Deterministic: same data → same weights file.
 *
 *   npx tsx scripts/train-injection-detector.ts [--data <dir with train.jsonl>]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { extractFeatures, FEATURE_BITS } from '../orchestrator/src/modules/safety/injection/features';

const ROOT = resolve(import.meta.dirname, '..');
const argIndex = process.argv.indexOf('--data');
const dataDir = argIndex > 0 ? process.argv[argIndex + 1]! : resolve(ROOT, '..', 'shared', 'benchmarks', 'deepset-prompt-injections');
const trainFile = resolve(dataDir, 'train.jsonl');
const outFile = resolve(ROOT, 'orchestrator/src/modules/safety/data/injection-model.json');

interface Row {
  text: string;
  keys: Int32Array;
  values: Float64Array;
  y: 0 | 1;
}

const toRow = (text: string, y: 0 | 1): Row => {
  const x = extractFeatures(text);
  return { text, keys: Int32Array.from(x.keys()), values: Float64Array.from(x.values()), y };
};

const raw = readFileSync(trainFile, 'utf8');
const rows: Row[] = raw
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { text: string; label: 0 | 1 })
  .map((r) => toRow(r.text, r.label));

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

function margin(model: Model, r: Row): number {
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

/** Out-of-fold probabilities for every train row (5 folds, fixed assignment by row index). */
function outOfFold(lambda: number, folds = 5): number[] {
  const probs = new Array<number>(rows.length);
  for (let f = 0; f < folds; f++) {
    const model = train(augment(rows.filter((_, i) => i % folds !== f)), lambda);
    rows.forEach((r, i) => {
      if (i % folds === f) probs[i] = sigmoid(margin(model, r));
    });
  }
  return probs;
}

const logLoss = (probs: number[]): number =>
  -rows.reduce((sum, r, i) => sum + Math.log(Math.min(1 - 1e-9, Math.max(1e-9, r.y === 1 ? probs[i]! : 1 - probs[i]!))), 0) / rows.length;

const accuracyAt = (probs: number[], threshold: number): number => rows.filter((r, i) => (probs[i]! >= threshold ? 1 : 0) === r.y).length / rows.length;

// Regularisation (by log-loss) and then the decision threshold (by accuracy) are chosen on out-of-fold
// predictions within the train split.
const thresholds = Array.from({ length: 13 }, (_, i) => 0.2 + i * 0.05);
const scores = [1e-5, 1e-4, 1e-3].map((lambda) => {
  const probs = outOfFold(lambda);
  const best = thresholds.map((threshold) => ({ threshold, cvAccuracy: accuracyAt(probs, threshold) })).reduce((a, b) => (b.cvAccuracy > a.cvAccuracy ? b : a));
  const cvLogLoss = logLoss(probs);
  console.log(
    `lambda=${lambda}: CV log-loss ${cvLogLoss.toFixed(4)}, accuracy ${accuracyAt(probs, 0.5).toFixed(4)} at 0.5, best ${best.cvAccuracy.toFixed(4)} at ${best.threshold.toFixed(2)}`,
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
  version: 1,
  featureBits: FEATURE_BITS,
  bias: Math.round(model.bias * 1e4) / 1e4,
  threshold: Math.round(best.threshold * 100) / 100,
  training: {
    dataset: 'deepset/prompt-injections (train split only)',
    rows: rows.length,
    sha256: createHash('sha256').update(raw).digest('hex'),
    lambda: best.lambda,
    cvAccuracy: Math.round(best.cvAccuracy * 1e4) / 1e4,
    cvLogLoss: Math.round(best.cvLogLoss * 1e4) / 1e4,
  },
  weights,
};
writeFileSync(outFile, `${JSON.stringify(file)}\n`);
console.log(`wrote ${outFile}: ${Object.keys(weights).length} weights, ${(JSON.stringify(file).length / 1024).toFixed(0)} KiB`);
