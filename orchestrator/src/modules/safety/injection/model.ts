/**
 * Loads the committed logistic-regression weights (data/injection-model.json, produced by
 * scripts/train-injection-detector.ts) once, validating the stored JSON like any other boundary.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { FEATURE_BITS, featureViews } from './features';

const ModelFile = z.object({
  kind: z.literal('atrium-injection-logreg'),
  version: z.literal(2),
  featureBits: z.literal(FEATURE_BITS),
  bias: z.number(),
  threshold: z.number().min(0).max(1),
  weights: z.record(z.string().regex(/^\d+$/), z.number()),
});

interface LoadedModel {
  bias: number;
  threshold: number;
  weights: Map<number, number>;
}

const MODEL_PATH = resolve(import.meta.dirname, '..', 'data', 'injection-model.json');
let loaded: LoadedModel | undefined;

function model(): LoadedModel {
  if (!loaded) {
    const file = ModelFile.parse(JSON.parse(readFileSync(MODEL_PATH, 'utf8')));
    loaded = {
      bias: file.bias,
      threshold: file.threshold,
      weights: new Map(Object.entries(file.weights).map(([k, v]) => [Number(k), v])),
    };
  }
  return loaded;
}

/**
 * Injection score from the learned model alone (the worst of the text's views), shifted so that the
 * decision threshold chosen by cross-validation on the train split sits at 0.5 — policies then speak one
 * scale whatever the model. logOddsShift moves the prior for sources unlike the training data.
 */
export function modelProbability(text: string, logOddsShift = 0): number {
  const m = model();
  const shift = m.bias - Math.log(m.threshold / (1 - m.threshold)) + logOddsShift;
  let best = -Infinity;
  for (const view of featureViews(text)) {
    let z = shift;
    for (const [k, v] of view) z += (m.weights.get(k) ?? 0) * v;
    best = Math.max(best, z);
  }
  return 1 / (1 + Math.exp(-best));
}
