import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** BEIR SciFact as laid out in shared/benchmarks (README §1); the data is read in place, never copied. */
export const SCIFACT_DIR = resolve(import.meta.dirname, '..', '..', '..', 'shared', 'benchmarks', 'beir-scifact');

export interface CorpusDoc {
  id: string;
  title: string;
  text: string;
}

export interface TestQuery {
  id: string;
  text: string;
}

export interface SciFact {
  corpus: CorpusDoc[];
  queries: TestQuery[];
  /** query id → relevant doc ids (all judgements in SciFact are binary, score 1). */
  qrels: Map<string, Set<string>>;
}

function jsonLines<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);
}

export function loadSciFact(dir = SCIFACT_DIR): SciFact {
  const corpus = jsonLines<{ _id: string; title: string; text: string }>(resolve(dir, 'corpus.jsonl')).map((d) => ({
    id: d._id,
    title: d.title,
    text: d.text,
  }));
  const qrels = new Map<string, Set<string>>();
  const lines = readFileSync(resolve(dir, 'qrels', 'test.tsv'), 'utf8')
    .split(/\r?\n/)
    .slice(1);
  for (const line of lines) {
    const [queryId, docId, score] = line.split('\t');
    if (!queryId || !docId || Number(score) <= 0) continue;
    if (!qrels.has(queryId)) qrels.set(queryId, new Set());
    qrels.get(queryId)!.add(docId);
  }
  // metadata holds gold evidence: only _id and text reach the system under test
  const queries = jsonLines<{ _id: string; text: string }>(resolve(dir, 'queries.jsonl'))
    .filter((q) => qrels.has(q._id))
    .map((q) => ({ id: q._id, text: q.text }));
  return { corpus, queries, qrels };
}

/** nDCG@k with binary gains (trec_eval linear gain), over one ranked list of doc ids. */
export function ndcgAt(ranked: string[], relevant: Set<string>, k: number): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    if (relevant.has(id)) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return ideal === 0 ? 0 : dcg / ideal;
}

export function recallAt(ranked: string[], relevant: Set<string>, k: number): number {
  if (relevant.size === 0) return 0;
  const top = new Set(ranked.slice(0, k));
  let hits = 0;
  for (const id of relevant) if (top.has(id)) hits++;
  return hits / relevant.size;
}

/** Collapses a ranked chunk list to documents (first = best chunk), as BEIR scores whole documents. */
export function uniqueInOrder(ids: string[]): string[] {
  return [...new Set(ids)];
}
