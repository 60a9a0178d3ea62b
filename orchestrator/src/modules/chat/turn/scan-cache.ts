import { createHash } from 'node:crypto';
import type { GateResult, SafetyGate } from './ports';

/**
 * Retrieved chunks repeat across turns (the popular answers), and scanning one for injected
 * instructions costs far more than a lookup, so results are cached per chunk text and policy.
 * Bounded LRU (a Map keeps insertion order); a changed policy or chunk text misses by construction.
 */
const MAX_ENTRIES = 5_000;
const cache = new Map<string, GateResult>();

export function scanRetrievedCached(gate: SafetyGate, policyKey: string, text: string): GateResult {
  const key = createHash('sha1').update(policyKey).update('\u0000').update(text).digest('base64');
  const hit = cache.get(key);
  if (hit) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const result = gate.scan(text, 'retrieved');
  cache.set(key, result);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  return result;
}
