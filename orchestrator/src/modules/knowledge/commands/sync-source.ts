import robotsParser from 'robots-parser';
import { OutboundError, outboundRequest } from '@atrium/connectors/http';
import { AppError } from '../../../platform/errors';
import type { Services } from '../../../platform/services';
import { recordAudit, systemActor } from '../../audit';
import { emitWebhookEvent } from '../../webhooks';
import type { Principal } from '../../../platform/http/context';
import { getSource } from '../source-store';
import { addDocument } from './add-document';
import { syncSourcePayload } from '../knowledge.schema';
import type { z } from 'zod';

export const CRAWLER_USER_AGENT = 'AtriumBot';
const FETCH_TIMEOUT_MS = 15_000;
const MAX_PAGE_BYTES = 5 * 1024 * 1024;

const CRAWLER: Principal = { kind: 'platform', subject: 'system:knowledge.sync', tenants: [], roles: [], groups: [], scopes: [] };

async function fetchText(services: Services, url: string, maxBytes = MAX_PAGE_BYTES) {
  return outboundRequest({
    url,
    method: 'GET',
    headers: {
      'user-agent': `${CRAWLER_USER_AGENT}/1 (+Atrium knowledge sync)`,
      accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8',
    },
    timeoutMs: FETCH_TIMEOUT_MS,
    allowPrivateNetworks: services.config.OUTBOUND_ALLOW_PRIVATE_NETWORKS,
    maxResponseBytes: maxBytes,
  });
}

/** robots.txt of the start URL's origin; a missing file (4xx) allows everything, as the standard says (RFC 9309 §2.3.1.3). */
async function loadRobots(services: Services, start: URL) {
  const robotsUrl = new URL('/robots.txt', start.origin).toString();
  const response = await fetchText(services, robotsUrl, 512 * 1024);
  if (response.status >= 500)
    throw new AppError('UPSTREAM_UNAVAILABLE', `${robotsUrl} answered ${response.status}; the crawl waits until robots.txt can be read`);
  return robotsParser(robotsUrl, response.status >= 400 ? '' : response.text);
}

const LOC = /<loc>\s*([^<\s]+)\s*<\/loc>/gi;
const decodeXml = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'");
const titleOf = (html: string, url: string) => /<title[^>]*>([^<]{1,500})<\/title>/i.exec(html)?.[1]?.trim() || url;

/**
 * Crawls a web source: one page, or every page of a sitemap (up to max_pages), each fetched through the
 * SSRF-guarded client (no private addresses, no redirects, size and time limits) and only if robots.txt
 * allows AtriumBot. Each page becomes a document keyed by its URL, so a re-sync replaces changed pages,
 * skips unchanged ones (content hash) and removes pages that left the sitemap.
 */
export async function syncSource(services: Services, { tenantId, sourceId }: z.infer<typeof syncSourcePayload>): Promise<{ pages: number; skipped: number }> {
  const source = await services.db.withTenant(tenantId, (tx) => getSource(tx, sourceId));
  if (source.kind !== 'web') return { pages: 0, skipped: 0 };
  const config = source.config as { url: string; max_pages?: number };
  const ctx = { services, tenant: { id: tenantId, slug: '', name: '', status: 'active' as const }, principal: CRAWLER, requestId: `sync:${sourceId}` };
  await services.db.withTenant(tenantId, (tx) => tx.query(`UPDATE knowledge_sources SET sync_status = 'syncing', sync_error = NULL WHERE id = $1`, [sourceId]));
  try {
    const start = new URL(config.url);
    const robots = await loadRobots(services, start);
    const first = await fetchText(services, start.toString());
    if (first.status >= 400) throw new AppError('UPSTREAM_BAD_RESPONSE', `${start} answered ${first.status}`);
    const isSitemap = /<(urlset|sitemapindex)[\s>]/i.test(first.text.slice(0, 2000));
    const urls = isSitemap ? [...first.text.matchAll(LOC)].map((m) => decodeXml(m[1]!)).slice(0, config.max_pages ?? 50) : [start.toString()];
    const kept = new Set<string>();
    let skipped = 0;
    for (const url of urls) {
      if (!robots.isAllowed(url, CRAWLER_USER_AGENT)) {
        skipped++;
        continue;
      }
      const page =
        url === start.toString() && !isSitemap
          ? first
          : await fetchText(services, url).catch((e: unknown) => (e instanceof OutboundError ? null : Promise.reject(e)));
      if (!page || page.status >= 400) {
        skipped++;
        continue;
      }
      kept.add(url);
      await addDocument({
        ctx,
        title: titleOf(page.text, url),
        fileName: 'page.html',
        format: 'html',
        body: Buffer.from(page.text, 'utf8'),
        url,
        sourceId,
        externalKey: url,
      });
    }
    await services.db.withTenant(tenantId, async (tx) => {
      await tx.query(`DELETE FROM knowledge_documents WHERE source_id = $1 AND NOT (external_key = ANY($2::text[]))`, [sourceId, [...kept]]);
      await tx.query(`UPDATE knowledge_sources SET sync_status = 'idle', last_synced_at = now() WHERE id = $1`, [sourceId]);
      await recordAudit(tx, tenantId, {
        action: 'knowledge.source.synced',
        actor: systemActor('knowledge.sync'),
        resource: { type: 'knowledge_source', id: sourceId },
        data: { pages: kept.size, skipped },
      });
      await emitWebhookEvent(tx, tenantId, 'knowledge.synced', { source_id: sourceId, pages: kept.size, skipped });
    });
    return { pages: kept.size, skipped };
  } catch (error) {
    const message = error instanceof OutboundError || error instanceof AppError ? error.message : `Crawl failed: ${(error as Error).message}`;
    await services.db.withTenant(tenantId, (tx) =>
      tx.query(`UPDATE knowledge_sources SET sync_status = 'failed', sync_error = $2 WHERE id = $1`, [sourceId, message.slice(0, 2000)]),
    );
    return { pages: 0, skipped: 0 };
  }
}
