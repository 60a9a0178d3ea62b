import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Config } from '../platform/config';
import type { TenantRef } from '../platform/http/context';
import { platformPrincipal } from '../modules/identity';
import type { Services } from '../platform/services';
import { createServices, startWorker, stopServices } from '../boot';
import { addDocuments, detectFormat } from '../modules/knowledge';
import { DOCUMENTS_PER_JOB } from '../modules/knowledge/commands/add-document';
import { syncSource } from '../modules/knowledge/commands/sync-source';
import { createSource } from '../modules/knowledge/commands/create-source';
import { findTenant } from '../modules/tenants';
import { seedDemo } from './seed';

/**
 * `atrium ingest <path|url>`: indexes a file, a folder (recursively, supported types only) or a web page /
 * sitemap into a tenant's knowledge base through the same pipeline as the API, with a progress bar and a
 * summary. Files are keyed by absolute path, so running it again re-indexes only what changed.
 */
const CLI = platformPrincipal('cli');
const POLL_MS = 500;

function collectFiles(root: string): string[] {
  const stat = statSync(root);
  if (stat.isFile()) return [root];
  return readdirSync(root, { withFileTypes: true })
    .filter((entry) => !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .flatMap((entry) =>
      entry.isDirectory() ? collectFiles(join(root, entry.name)) : entry.isFile() && detectFormat(entry.name) ? [join(root, entry.name)] : [],
    );
}

async function resolveTenant(services: Services, requested: string | undefined): Promise<TenantRef> {
  if (requested) {
    const tenant = await findTenant(services.db, requested);
    if (!tenant) throw new Error(`No tenant "${requested}"; list them with GET /v1/platform/tenants`);
    return tenant;
  }
  const all = await services.db.query<TenantRef>(`SELECT id, slug, name, status FROM tenants ORDER BY slug LIMIT 2`);
  if (all.rows.length === 1) return all.rows[0]!;
  const demo = await findTenant(services.db, 'demo');
  if (demo) return demo;
  // a fresh embedded install has no tenant yet: create the same demo tenant `serve --embedded` would
  if (all.rows.length === 0 && services.config.embedded) return (await findTenant(services.db, (await seedDemo(services)).tenantSlug))!;
  throw new Error('Say which tenant to ingest into: --tenant <slug>');
}

async function progress(services: Services, tenant: TenantRef, ids: string[]) {
  const bar = new cliProgress.SingleBar(
    { format: 'indexing [{bar}] {value}/{total} documents | {failed} failed | {duration}s', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(ids.length, 0, { failed: 0 });
  for (;;) {
    const r = await services.db.withTenant(tenant.id, (tx) =>
      tx.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM knowledge_documents WHERE id = ANY($1::uuid[]) GROUP BY status', [ids]),
    );
    const count = (s: string) => r.rows.find((row) => row.status === s)?.n ?? 0;
    bar.update(count('indexed') + count('failed'), { failed: count('failed') });
    if (count('indexed') + count('failed') >= ids.length) break;
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
  bar.stop();
}

export async function ingest(config: Config, target: string, options: { tenant?: string; groups?: string }): Promise<number> {
  const services = await createServices(config);
  await startWorker(services);
  const started = performance.now();
  try {
    const tenant = await resolveTenant(services, options.tenant);
    const ctx = { services, tenant, principal: CLI, requestId: 'cli-ingest' };
    const groups = options.groups
      ?.split(',')
      .map((g) => g.trim())
      .filter(Boolean);
    let ids: string[];
    if (/^https?:\/\//i.test(target)) {
      const source = await createSource({ ctx, input: { kind: 'web', name: target, config: { url: target, max_pages: 200 }, groups: groups ?? [] } });
      const crawl = await syncSource(services, { tenantId: tenant.id, sourceId: source.id });
      const r = await services.db.withTenant(tenant.id, (tx) =>
        tx.query<{ id: string; sync_error: string | null }>(
          'SELECT d.id, s.sync_error FROM knowledge_sources s LEFT JOIN knowledge_documents d ON d.source_id = s.id WHERE s.id = $1',
          [source.id],
        ),
      );
      if (r.rows[0]?.sync_error) throw new Error(r.rows[0].sync_error);
      ids = r.rows.flatMap((row) => (row.id ? [row.id] : []));
      process.stdout.write(`crawled ${crawl.pages} page(s), skipped ${crawl.skipped} (robots.txt or errors)\n`);
    } else {
      const files = collectFiles(resolve(target));
      if (files.length === 0) throw new Error(`No supported files (txt, md, html, pdf, docx, csv, json) under ${target}`);
      ids = [];
      for (let i = 0; i < files.length; i += DOCUMENTS_PER_JOB) {
        const batch = files.slice(i, i + DOCUMENTS_PER_JOB).map((file) => ({
          title: basename(file),
          fileName: basename(file),
          format: detectFormat(file)!,
          body: readFileSync(file),
          groups,
          externalKey: file,
        }));
        ids.push(...(await addDocuments(ctx, batch)).map((d) => d.id));
      }
    }
    await progress(services, tenant, ids);
    const summary = await services.db.withTenant(tenant.id, (tx) =>
      tx.query<{ title: string; status: string; chunk_count: number; error: string | null }>(
        'SELECT title, status, chunk_count, error FROM knowledge_documents WHERE id = ANY($1::uuid[]) ORDER BY title',
        [ids],
      ),
    );
    const failed = summary.rows.filter((d) => d.status === 'failed');
    const chunks = summary.rows.reduce((sum, d) => sum + d.chunk_count, 0);
    process.stdout.write(
      `\n${summary.rows.length - failed.length} indexed (${chunks} chunks), ${failed.length} failed, into tenant ${tenant.slug} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
    );
    for (const d of failed) process.stdout.write(`  failed: ${d.title}: ${d.error}\n`);
    return failed.length > 0 ? 1 : 0;
  } finally {
    await stopServices(services);
  }
}

export function registerIngestCommand(program: Command, config: () => Config): void {
  program
    .command('ingest <target>')
    .description('Index a file, a folder or a web page/sitemap into the knowledge base (progress bar, summary). Exit code 1 if any document failed.')
    .option('--tenant <slug>', 'tenant slug or id (default: the demo tenant, or the only tenant)')
    .option('--groups <list>', 'comma-separated access groups for the documents')
    .action(async (target: string, opts: { tenant?: string; groups?: string }) => {
      process.exit(await ingest(config(), target, opts));
    });
}
