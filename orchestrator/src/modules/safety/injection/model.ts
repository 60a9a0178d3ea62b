/**
 * Loads the committed logistic-regression weights (data/injection-model.json, produced by
 * scripts/train-injection-detector.ts) once, validating the stored JSON like any other boundary.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { extractFeatures, FEATURE_BITS } from './features';

const ModelFile = z.object({
  kind: z.literal('atrium-injection-logreg'),
  version: z.literal(1),
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
 * Injection score from the learned model alone, shifted so that the decision threshold chosen by
 * cross-validation on the train split sits at 0.5 — policies then speak one scale whatever the model.
 */
export function modelProbability(text: string): number {
  const m = model();
  let z = m.bias - Math.log(m.threshold / (1 - m.threshold));
  for (const [k, v] of extractFeatures(text)) z += (m.weights.get(k) ?? 0) * v;
  return 1 / (1 + Math.exp(-z));
}
