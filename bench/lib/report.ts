import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { resolve } from 'node:path';

/**
 * Every benchmark writes its own section of BENCHMARKS.md (replacing the previous run's section),
 * headed by the command, the machine and the date, so the file only ever shows measured figures.
 */
export interface BenchmarkReport {
  /** Section key, e.g. "retrieval"; one section per `npm run bench:<name>`. */
  name: string;
  /** The exact command that produced the figures. */
  command: string;
  /** Markdown body: tables of what was measured, targets and whether they were met. */
  body: string;
}

const FILE = resolve(import.meta.dirname, '..', '..', 'BENCHMARKS.md');
const HEADER = '# Atrium benchmarks\n\nEach section is rewritten by its own `npm run bench:*` command. Figures are measured, never edited by hand.\n';

export function machineDescription(): string {
  const cpu = cpus();
  const gib = (totalmem() / 1024 ** 3).toFixed(1);
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${gib} GiB RAM, ${platform()} ${release()}, Node ${process.version}`;
}

export function recordBenchmark(report: BenchmarkReport): void {
  const start = `<!-- bench:${report.name}:start -->`;
  const end = `<!-- bench:${report.name}:end -->`;
  const section = [
    start,
    `## ${report.name}`,
    '',
    `- command: \`${report.command}\``,
    `- machine: ${machineDescription()}`,
    `- date: ${new Date().toISOString()}`,
    '',
    report.body.trim(),
    end,
  ].join('\n');
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : HEADER;
  const pattern = new RegExp(`${start}[\\s\\S]*?${end}`);
  const next = pattern.test(current) ? current.replace(pattern, section) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(FILE, next);
}

/** Percentile of a list of numbers (nearest-rank), used by every benchmark for p50/p95/p99. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
