/**
 * npm run bench:safety — prompt-injection detection on the deepset test split and PII span detection on
 * presidio-synth-pii, scored as benchmarks/README §2.3 and §3.5 prescribe, plus scan throughput.
 * Writes the "safety" section of BENCHMARKS.md. The injection model was trained on the train split only (plus
 * BANKING77 train rows as benign examples; see scripts/train-injection-detector.ts).
 * PII has no train split: recognizers were developed looking at the even-template half ("dev"); the
 * odd-template half ("held-out") is reported separately as the less optimistic figure.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { detectInjection } from '../orchestrator/src/modules/safety/injection/detect-injection';
import { detectPii } from '../orchestrator/src/modules/safety/pii/detect-pii';
import { scanText } from '../orchestrator/src/modules/safety/commands/scan-text';
import { createSafetyGate } from '../orchestrator/src/modules/safety/gate';
import { policyFromTenantConfig } from '../orchestrator/src/modules/safety/safety-policy';
import { defaultTenantConfig } from '../orchestrator/src/modules/tenants';
import { DEFAULT_SAFETY_POLICY } from '../orchestrator/src/modules/safety/safety.schema';
import { percentile, recordBenchmark } from './lib/report';
import { fBeta, loadPiiSamples, precision, recall, scorePii, type Counts, type Sample } from './safety/pii-eval';

const DATA = process.env.ATRIUM_BENCHMARKS_DIR ?? resolve(import.meta.dirname, '..', '..', 'shared', 'benchmarks');
const f3 = (n: number): string => (Number.isFinite(n) ? n.toFixed(3) : 'n/a');
const mark = (ok: boolean): string => (ok ? 'met' : '**not met**');

function wilson(p: number, n: number, z = 1.96): [number, number] {
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [centre - half, centre + half];
}

function rocAuc(scored: Array<{ score: number; label: number }>): number {
  const pos = scored.filter((s) => s.label === 1);
  const neg = scored.filter((s) => s.label === 0);
  let wins = 0;
  for (const p of pos) for (const n of neg) wins += p.score > n.score ? 1 : p.score === n.score ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

function injectionSection(): { body: string; accuracy: number } {
  const rows = readFileSync(resolve(DATA, 'deepset-prompt-injections', 'test.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { text: string; label: number });
  let tp = 0,
    fp = 0,
    tn = 0,
    fn = 0;
  const scored: Array<{ score: number; label: number }> = [];
  const misses: string[] = [];
  for (const r of rows) {
    const result = detectInjection(r.text);
    scored.push({ score: result.score, label: r.label });
    if (result.detected && r.label === 1) tp++;
    else if (result.detected) {
      fp++;
      misses.push(`FP (${f3(result.score)}): ${r.text.slice(0, 90)}`);
    } else if (r.label === 1) {
      fn++;
      misses.push(`FN (${f3(result.score)}): ${r.text.slice(0, 90)}`);
    } else tn++;
  }
  const n = rows.length;
  const accuracy = (tp + tn) / n;
  const prec = tp / (tp + fp);
  const tpr = tp / (tp + fn);
  const [lo, hi] = wilson(accuracy, n);
  const body = [
    `### Prompt injection — deepset/prompt-injections test split (${n} rows; model trained on its train split only, plus BANKING77 train rows as benign support traffic)`,
    '',
    '| accuracy | Wilson 95% | TPR (recall) | FPR | precision | F1 | ROC-AUC | TP/FP/TN/FN | target |',
    '|---|---|---|---|---|---|---|---|---|',
    `| ${f3(accuracy)} | ${f3(lo)}–${f3(hi)} | ${f3(tpr)} | ${f3(fp / (fp + tn))} | ${f3(prec)} | ${f3((2 * prec * tpr) / (prec + tpr))} | ${f3(rocAuc(scored))} | ${tp}/${fp}/${tn}/${fn} | accuracy ≥ 0.90: ${mark(accuracy >= 0.9)} |`,
    '',
    'Reference: deberta-v3-base-injection 0.991; mBERT+LogReg 0.966; XLM-R zero-shot 0.552 (benchmarks README §2.4).',
    '',
    'Operating points of the same scores at other policy thresholds (`injection.threshold` / tenant `injection_threshold`).',
    'Shown for tenants choosing a trade-off; the default (0.5) was fixed by cross-validation on the train split (most accurate within a ≤ 0.5% false-positive budget on held-out BANKING77 train intents), not from this table.',
    '',
    '| threshold | accuracy | TPR | FPR |',
    '|---|---|---|---|',
    ...[0.2, 0.3, 0.4, 0.5, 0.6].map((t) => {
      const at = (label: number) => scored.filter((s) => s.label === label);
      const tpr = at(1).filter((s) => s.score >= t).length / at(1).length;
      const fpr = at(0).filter((s) => s.score >= t).length / at(0).length;
      const acc = (at(1).filter((s) => s.score >= t).length + at(0).filter((s) => s.score < t).length) / n;
      return `| ${t.toFixed(1)} | ${f3(acc)} | ${f3(tpr)} | ${f3(fpr)} |`;
    }),
    '',
    '<details><summary>Errors (first 90 characters)</summary>',
    '',
    ...misses.map((m) => `- ${m.replace(/\s+/g, ' ').replace(/\|/g, '\\|')}`),
    '',
    '</details>',
  ].join('\n');
  return { body, accuracy };
}

const STRUCTURED = ['EMAIL_ADDRESS', 'PHONE_NUMBER', 'CREDIT_CARD', 'IBAN_CODE', 'US_SSN', 'IP_ADDRESS'];
// Atrium emits all 17 gold types, so "supported types only" here uses vanilla Presidio's set (README §3.3:
// without ORGANIZATION, TITLE, AGE, ZIP_CODE), the closest like-for-like with its published 0.618.
const PRESIDIO_SUPPORTED = new Set([...STRUCTURED, 'URL', 'US_DRIVER_LICENSE', 'DATE_TIME', 'PERSON', 'LOCATION', 'NRP']);

function piiSection(): { body: string; ok: boolean } {
  const all = loadPiiSamples(resolve(DATA, 'presidio-synth-pii', 'synth_dataset_v2.json'));
  const predict = (text: string) => detectPii(text, { minScore: DEFAULT_SAFETY_POLICY.pii.minScore });
  const splits: Array<[string, Sample[]]> = [
    ['all 1,500', all],
    ['dev (even templates)', all.filter((s) => s.templateId % 2 === 0)],
    ['held-out (odd templates)', all.filter((s) => s.templateId % 2 === 1)],
  ];
  const results = splits.map(([name, samples]) => [name, scorePii(samples, predict, PRESIDIO_SUPPORTED)] as const);
  const full = results[0]![1];
  const row = (c: Counts) => `${f3(precision(c))} | ${f3(recall(c))} | ${f3(fBeta(c))}`;
  let ok = fBeta(full.anyType) >= 0.62;
  const perType = [...full.perType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, c]) => {
      const leak = full.leakedChars.get(type);
      const structured = STRUCTURED.includes(type);
      const met = !structured || (recall(c) >= 0.95 && precision(c) >= 0.9);
      ok &&= met;
      return `| ${type} | ${c.gold} | ${c.predicted} | ${f3(precision(c))} | ${f3(recall(c))} | ${leak ? f3(leak.leaked / Math.max(1, leak.total)) : 'n/a'} | ${structured ? `P ≥ 0.90, R ≥ 0.95: ${mark(met)}` : ''} |`;
    });
  let leaked = 0,
    total = 0;
  for (const l of full.leakedChars.values()) {
    leaked += l.leaked;
    total += l.total;
  }
  const body = [
    '### PII — presidio-synth-pii v2 (1,500 texts), character IoU ≥ 0.9, Presidio entity map',
    '',
    '| split | P (all gold) | R (all gold) | F2 (all gold) | P (Presidio types) | R (Presidio types) | F2 (Presidio types) |',
    '|---|---|---|---|---|---|---|',
    ...results.map(([name, s]) => `| ${name} | ${row(s.anyType)} | ${row(s.anyTypeSupported)} |`),
    '',
    `Target overall F2 ≥ 0.62 (vanilla Presidio 0.618): ${mark(fBeta(full.anyType) >= 0.62)} on all 1,500 texts (all gold spans count). "Presidio types": gold spans and predictions both restricted to the types vanilla Presidio can emit (no ORGANIZATION, TITLE, AGE, ZIP_CODE).`,
    '',
    `Leak rate (share of gold PII characters, whitespace excluded, not covered by any prediction): **${f3(leaked / total)}** overall.`,
    '',
    '| type | gold | predicted | precision | recall | leak rate | target |',
    '|---|---|---|---|---|---|---|',
    ...perType,
  ].join('\n');
  return { body, ok };
}

/** Scans a corpus repeatedly, bounded in count (2 passes) and time (15 s), whichever ends first. */
function measure(texts: string[], scan: (text: string) => unknown): string {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + 15_000;
  for (let pass = 0; pass < 2 && performance.now() < deadline; pass++) {
    for (const text of texts) {
      const t0 = performance.now();
      scan(text);
      latencies.push(performance.now() - t0);
      if (performance.now() >= deadline) break;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return `${latencies.length} | ${(latencies.length / seconds).toFixed(0)} | ${f3(percentile(latencies, 50))} | ${f3(percentile(latencies, 95))} | ${f3(percentile(latencies, 99))}`;
}

function throughputSection(): string {
  const texts = loadPiiSamples(resolve(DATA, 'presidio-synth-pii', 'synth_dataset_v2.json'))
    .map((s) => s.text)
    .slice(0, 600);
  const gate = createSafetyGate(policyFromTenantConfig(defaultTenantConfig()));
  return [
    '### Throughput — one core, 600 presidio-synth-pii texts (median 80 characters)',
    '',
    '| what | scans | scans/s | p50 ms | p95 ms | p99 ms |',
    '|---|---|---|---|---|---|',
    `| \`scanText\` all detectors, every PII type (as \`POST /v1/safety/scan\`) | ${measure(texts, (text) => scanText({ text, direction: 'input', policy: DEFAULT_SAFETY_POLICY }))} |`,
    `| chat-turn input gate, default tenant policy (structured PII, no name tagging) | ${measure(texts, (text) => gate.scan(text, 'input'))} |`,
  ].join('\n');
}

const injection = injectionSection();
const pii = piiSection();
const throughput = throughputSection();
const body = [injection.body, pii.body, throughput].join('\n\n');
recordBenchmark({ name: 'safety', command: 'npm run bench:safety', body });
console.log(body);
