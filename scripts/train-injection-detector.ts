/**
 * Trains the prompt-injection detector: L2-regularised logistic regression over the hashed features of
 * orchestrator/src/modules/safety/injection/features.ts, on the TRAIN split of deepset/prompt-injections
 * (the test split is the benchmark and is never read here) plus ordinary customer-support messages from
 * the TRAIN split of BANKING77 as benign examples (its test split is never read either; see bankingSplit).
 * The regularisation strength and the decision threshold are chosen by grouped, repeated 5-fold
 * cross-validation inside the deepset train split, the threshold under a false-positive budget measured
 * on held-out BANKING77 train rows. Deterministic: same data → same weights file.
 *
 *   npm run train:injection [-- --data <dir with train.jsonl>] [--banking <dir with train.csv>] [--out <file>]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { extractFeatures, FEATURE_BITS, featureViews, normalise } from '../orchestrator/src/modules/safety/injection/features';

const ROOT = resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: string): string => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const dataDir = arg('--data', resolve(ROOT, '..', 'shared', 'benchmarks', 'deepset-prompt-injections'));
const bankingDir = arg('--banking', resolve(ROOT, '..', 'shared', 'benchmarks', 'banking77'));
const trainFile = resolve(dataDir, 'train.jsonl');
const outFile = arg('--out', resolve(ROOT, 'orchestrator/src/modules/safety/data/injection-model.json'));

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
  // Half the attack preambles are support requests: at a support desk that is where an attack hides, and
  // without these the BANKING77 rows teach "support wording ⇒ benign" (grouped CV accuracy 0.929 → 0.939).
  const preamble = (): Row => (random() < 0.5 ? pick(bankingTrain) : pick(benign));
  for (const a of attacks) extra.push(toRow(`${preamble().text} ${a.text}`, 1));
  for (let i = 0; i < attacks.length; i++) extra.push(toRow(`${pick(benign).text} ${pick(benign).text}`, 0));
  return [...data, ...extra];
}

/** RFC 4180 rows (quoted fields may hold commas, doubled quotes and newlines, as some BANKING77 texts do). */
function parseCsv(text: string): string[][] {
  const out: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = (): void => {
    row.push(field);
    field = '';
  };
  const endRow = (): void => {
    endField();
    out.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') quoted = !quoted;
    else if (quoted) field += c;
    else if (c === ',') endField();
    else if (c === '\n') endRow();
    else if (c !== '\r') field += c;
  }
  if (field || row.length) endRow();
  return out;
}

/** Seeded Fisher–Yates shuffle (a copy). */
function shuffled<T>(list: readonly T[], seed: number): T[] {
  const random = prng(seed);
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * BANKING77 TRAIN rows (CC BY 4.0; 10,003 online-banking support messages, none an attack) as the benign
 * traffic a support desk actually sees and deepset's news-bot split hardly contains ("Talk to a human,
 * please"). Split by intent, not by row: the 77 intents are shuffled with a fixed seed, CALIBRATION_INTENTS
 * of them are held out whole to measure the false-positive rate (rows of one intent paraphrase each other,
 * so a row-level split would measure memorisation), and PER_INTENT rows of each remaining intent are
 * label-0 training examples — about as many as deepset's own legit rows plus their composites, so the
 * two sources weigh alike in the benign class. The BANKING77 test split is not read.
 */
const CALIBRATION_INTENTS = 25;
const PER_INTENT = 12;
function bankingSplit(): { train: string[]; calibration: string[]; raw: string } {
  const raw = readFileSync(resolve(bankingDir, 'train.csv'), 'utf8');
  const [header, ...records] = parseCsv(raw);
  if (header?.join(',') !== 'text,category') throw new Error(`unexpected BANKING77 header: ${header?.join(',')}`);
  const byIntent = new Map<string, string[]>();
  for (const [text, intent] of records) if (text && intent) byIntent.set(intent, [...(byIntent.get(intent) ?? []), text]);
  const intents = shuffled([...byIntent.keys()].sort(), 77);
  const calibration = intents.slice(0, CALIBRATION_INTENTS).flatMap((i) => byIntent.get(i)!);
  const train = intents.slice(CALIBRATION_INTENTS).flatMap((i, n) => shuffled(byIntent.get(i)!, 1000 + n).slice(0, PER_INTENT));
  return { train, calibration, raw };
}
const banking = bankingSplit();
const bankingTrain = banking.train.map((text) => toRow(text, 0));
const bankingCalibration = banking.calibration.map((text) => featureViews(text).map(toVector));

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

type Scored = Array<{ p: number; y: 0 | 1 }>;
const worst = (model: Model, views: Vector[]): number => sigmoid(Math.max(...views.map((v) => margin(model, v))));

/**
 * Out-of-fold probabilities of the deepset rows, scored as the runtime scores (worst view), for every row
 * and repeat; and each fold model's probabilities on the held-out BANKING77 intents. The BANKING77 training
 * rows join every fold's training set (they are never scored, so they need no fold of their own).
 */
function outOfFold(lambda: number): { probs: Scored; support: number[] } {
  const probs: Scored = [];
  const support: number[] = [];
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const fold = assignFolds(GROUPS, FOLDS, 100 + repeat);
    for (let f = 0; f < FOLDS; f++) {
      const model = train(
        [
          ...augment(
            rows.filter((_, i) => fold[i] !== f),
            7 + 31 * repeat + f,
          ),
          ...bankingTrain,
        ],
        lambda,
      );
      rows.forEach((r, i) => {
        if (fold[i] === f) probs.push({ p: worst(model, r.views), y: r.y });
      });
      for (const views of bankingCalibration) support.push(worst(model, views));
    }
  }
  return { probs, support };
}
const logLoss = (s: Scored): number => -s.reduce((sum, x) => sum + Math.log(Math.min(1 - 1e-9, Math.max(1e-9, x.y === 1 ? x.p : 1 - x.p))), 0) / s.length;
const accuracyAt = (s: Scored, threshold: number): number => s.filter((x) => (x.p >= threshold ? 1 : 0) === x.y).length / s.length;

const fprAt = (s: Scored, threshold: number): number => s.filter((x) => x.y === 0 && x.p >= threshold).length / s.filter((x) => x.y === 0).length;

/**
 * A blocked customer costs more than a missed diversion (the rule layer and the output checks still stand
 * behind), so the threshold is the most accurate one on deepset whose false-positive rate on the held-out
 * BANKING77 intents — ordinary support requests the model never saw — stays within this budget. Fixed
 * before looking at any result: at most 1 in 200 ordinary support messages flagged by the model.
 */
const MAX_SUPPORT_FPR = 0.005;
const supportFprAt = (support: number[], threshold: number): number => support.filter((p) => p >= threshold).length / support.length;

// Regularisation (by log-loss) and then the decision threshold (by accuracy within the FPR budget) are
// chosen on out-of-fold predictions within the train split.
const thresholds = Array.from({ length: 29 }, (_, i) => 0.2 + i * 0.025);
const scores = [3e-6, 1e-5, 3e-5].map((lambda) => {
  const { probs, support } = outOfFold(lambda);
  const allowed = thresholds.filter((t) => supportFprAt(support, t) <= MAX_SUPPORT_FPR);
  const best = (allowed.length ? allowed : thresholds.slice(-1))
    .map((threshold) => ({
      threshold,
      cvAccuracy: accuracyAt(probs, threshold),
      cvFpr: fprAt(probs, threshold),
      supportFpr: supportFprAt(support, threshold),
    }))
    .reduce((a, b) => (b.cvAccuracy > a.cvAccuracy ? b : a));
  const cvLogLoss = logLoss(probs);
  console.log(
    `lambda=${lambda}: CV log-loss ${cvLogLoss.toFixed(4)}, accuracy ${accuracyAt(probs, 0.5).toFixed(4)} at 0.5, best ${best.cvAccuracy.toFixed(4)} (FPR ${best.cvFpr.toFixed(4)}, support FPR ${best.supportFpr.toFixed(4)}) at ${best.threshold.toFixed(3)}`,
  );
  return { lambda, cvLogLoss, ...best };
});
const best = scores.reduce((a, b) => (b.cvLogLoss < a.cvLogLoss ? b : a));
const model = train([...augment(rows), ...bankingTrain], best.lambda);

// Only buckets with a visible weight are stored, quantised to keep the file small and diffable (the
// BANKING77 rows add ~8k buckets; dropping |w| < 0.01 and rounding to 1e-3 moves no train-split or
// held-out support decision and keeps the file under the size its test allows).
const weights: Record<string, number> = {};
model.weights.forEach((w, k) => {
  if (Math.abs(w) >= 0.01) weights[k] = Math.round(w * 1e3) / 1e3;
});
const file = {
  kind: 'atrium-injection-logreg',
  version: 2,
  featureBits: FEATURE_BITS,
  bias: Math.round(model.bias * 1e4) / 1e4,
  threshold: Math.round(best.threshold * 1000) / 1000,
  training: {
    dataset: 'deepset/prompt-injections (train split only)',
    rows: rows.length,
    sha256: createHash('sha256').update(raw).digest('hex'),
    benign: `BANKING77 train.csv: ${PER_INTENT} rows from each of ${77 - CALIBRATION_INTENTS} intents; ${CALIBRATION_INTENTS} intents held out for the FPR budget`,
    bankingRows: bankingTrain.length,
    bankingSha256: createHash('sha256').update(banking.raw).digest('hex'),
    supportFprBudget: MAX_SUPPORT_FPR,
    cvSupportFpr: Math.round(best.supportFpr * 1e4) / 1e4,
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
