/**
 * `npm run bench:load`: the mixed workload against separate API and worker processes on real PostgreSQL and Redis.
 * Processes: one API (`atrium serve`, RUN_WORKER_IN_API=false) and 1, then 2, job-worker processes (`atrium worker`).
 * Load (closed loop, BENCH_LOAD_CONCURRENCY clients, BENCH_LOAD_SECONDS per phase): 50 % chat turns
 * (POST /v1/chat/completions, offline extractive answerer: no model time), 30 % knowledge searches, 20 % document
 * ingestions (POST /v1/knowledge/documents → indexing job in the worker). Measured per phase: throughput and
 * p50/p99 per route, ingestion throughput (documents indexed per second, end to end through the queue), and CPU and
 * peak RSS of every process (from /proc). Chatwoot deliveries under load are measured by `npm run bench:chatwoot`.
 * Bounded by count and time everywhere; writes the "load" section of BENCHMARKS.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { startFakeChatwoot, type Conversation } from '../test/fakes/chatwoot';
import { createTestDatabase } from '../test/support/db';
import { percentile, recordBenchmark } from './lib/report';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_LOAD_CONCURRENCY ?? 6);
const BACKLOG = Number(process.env.BENCH_LOAD_BACKLOG ?? 40);
const DRAIN_MS = Number(process.env.BENCH_LOAD_DRAIN_MS ?? 90_000);
const REDIS_DB = process.env.BENCH_LOAD_REDIS_DB ?? '7';
const ROOT = join(import.meta.dirname, '..');
const CLK_TCK = 100;

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;

function startProcess(command: 'serve' | 'worker', env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'orchestrator/src/cli.ts', command], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return child;
}

async function until(check: () => Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const database = await createTestDatabase();
// Chatwoot deliveries come from the contract-faithful fake (signed agent-bot events over loopback, bounded senders)
const fake = await startFakeChatwoot({ checkResponses: false });
const botReplied = (c: Conversation) => fake.messagesOf(c).some((m) => m.senderType === 'AgentBot' && !m.private);
const port = await freePort();
const adminKey = `bench-admin-${randomBytes(16).toString('hex')}`;
const env = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  PORT: String(port),
  DATABASE_URL: database.url,
  DATABASE_MIGRATION_URL: database.superuserUrl,
  REDIS_URL: `redis://127.0.0.1:6379/${REDIS_DB}`,
  ATRIUM_ADMIN_API_KEY: adminKey,
  ATRIUM_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  RUN_WORKER_IN_API: 'false',
  RATE_LIMIT_PER_MINUTE: '10000000',
  RATE_LIMIT_TENANT_PER_MINUTE: '10000000',
  SEED_DEMO: 'false',
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  OUTBOUND_ALLOW_PRIVATE_NETWORKS: 'true',
  CHATWOOT_COALESCE_MS: '0',
};
const base = `http://127.0.0.1:${port}`;
const runId = randomBytes(3).toString('hex');
// Each phase gets a fresh tenant with the same seed corpus: the phases then differ in worker count only, not in how
// much text a search has to rank (every document shares the same vocabulary, so BM25 time grows with the corpus).
let slug = '';
const headers = () => ({ authorization: `Bearer ${adminKey}`, 'content-type': 'application/json', 'x-tenant-id': slug });
const call = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${base}${path}`, { method, headers: headers(), body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${path} → ${r.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : null;
};

const TOPICS = ['refunds', 'shipping', 'warranty', 'invoices', 'passwords', 'opening hours', 'returns', 'discounts', 'delivery', 'accounts'];
const documentText = (i: number) =>
  `# ${TOPICS[i % TOPICS.length]} policy ${i}\n\n` +
  Array.from(
    { length: 12 },
    (_, p) =>
      `Paragraph ${p} about ${TOPICS[(i + p) % TOPICS.length]}: customers can ask support about case ${i}-${p}, which is handled within ${(p % 5) + 1} business days.`,
  ).join('\n\n');

const api = startProcess('serve', env);
const workers: ChildProcess[] = [];
try {
  await until(async () => (await fetch(`${base}/ready`)).ok, 60_000, 'the API');
  const freshTenant = async (phase: number) => {
    slug = `load-${runId}-${phase}`;
    await fetch(`${base}/v1/platform/tenants`, { method: 'POST', headers: headers(), body: JSON.stringify({ slug, name: `Load test ${phase}` }) }).then(
      (r) => r.ok || Promise.reject(new Error('tenant')),
    );
    await call('PUT', '/v1/admin/config', { config: { models: { chain: [{ provider: 'offline', model: 'extractive' }] } } });
    const seeded: string[] = [];
    for (let i = 0; i < 30; i++) seeded.push((await call('POST', '/v1/knowledge/documents', { title: `Seed ${i}`, text: documentText(i) })).id);
    await until(async () => (await call('GET', `/v1/knowledge/documents/${seeded.at(-1)}`)).status === 'indexed', DRAIN_MS, 'seed indexing');
    const inbox = phase === 1 ? fake.inbox : fake.addInbox(`Load ${phase}`);
    await call('POST', '/v1/integrations/chatwoot', {
      base_url: fake.url,
      account_id: fake.account.id,
      admin_token: fake.admin.accessToken,
      inbox_ids: [inbox.id],
      subscribe_account_webhook: false,
    });
    return inbox.id;
  };
  /** A customer writes in Chatwoot; done when the bot's reply is stored there (delivery → turn → reply). */
  const chatwootTurn = async (inboxId: number, content: string) => {
    const { conversation } = fake.customerWrites(content, { inboxId });
    const deadline = Date.now() + 30_000;
    while (!botReplied(conversation)) {
      if (Date.now() > deadline) throw new Error('no bot reply in 30 s');
      await new Promise((r) => setTimeout(r, 2));
    }
  };

  const rows: string[] = [];
  const loadBefore = loadavg()[0]!;
  const resourceRows: string[] = [];
  let docCounter = 1000;
  for (const workerCount of [1, 2]) {
    while (workers.length < workerCount) workers.push(startProcess('worker', env));
    await new Promise((r) => setTimeout(r, 3000)); // workers connect
    const inboxId = await freshTenant(workerCount);

    const latencies: Record<string, number[]> = { chat: [], search: [], chatwoot: [], ingest: [] };
    const errors: Record<string, number> = { chat: 0, search: 0, chatwoot: 0, ingest: 0 };
    const ingested: string[] = [];
    const pids = { api: api.pid!, ...Object.fromEntries(workers.map((w, i) => [`worker ${i + 1}`, w.pid!])) };
    const cpuStart = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuSeconds(pid)]));
    const peakRss: Record<string, number> = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
    const sampler = setInterval(() => {
      for (const [k, pid] of Object.entries(pids)) peakRss[k] = Math.max(peakRss[k]!, rssMiB(pid));
    }, 500);
    const started = Date.now();
    const stopAt = started + SECONDS * 1000;
    let ops = 0;
    const client = async (c: number) => {
      for (let n = 0; Date.now() < stopAt && n < 100_000; n++) {
        const roll = (n * 7 + c * 13) % 10;
        const kind = roll < 4 ? 'chat' : roll < 6 ? 'search' : roll < 8 ? 'chatwoot' : 'ingest';
        const topic = TOPICS[(n + c) % TOPICS.length];
        const t0 = performance.now();
        try {
          if (kind === 'chat') await call('POST', '/v1/chat/completions', { messages: [{ role: 'user', content: `How long does ${topic} take?` }] });
          else if (kind === 'search') await call('POST', '/v1/knowledge/search', { query: `${topic} business days` });
          else if (kind === 'chatwoot') await chatwootTurn(inboxId, `How long does ${topic} take?`);
          else ingested.push((await call('POST', '/v1/knowledge/documents', { title: `Load ${docCounter}`, text: documentText(docCounter++) })).id);
          latencies[kind]!.push(performance.now() - t0);
          ops += 1;
        } catch {
          errors[kind]! += 1;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, (_, c) => client(c)));
    const loadSeconds = (Date.now() - started) / 1000;
    // ingestion is done when the last document of the phase is indexed (the queue is FIFO per job kind)
    const last = ingested.at(-1);
    if (last) await until(async () => (await call('GET', `/v1/knowledge/documents/${last}`)).status === 'indexed', DRAIN_MS, 'ingestion drain');
    const drainSeconds = (Date.now() - started) / 1000;
    clearInterval(sampler);
    const cpu = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, (cpuSeconds(pid) - cpuStart[k]!) / drainSeconds]));

    for (const kind of ['chat', 'search', 'chatwoot', 'ingest'] as const) {
      const l = latencies[kind]!;
      const route = {
        chat: 'POST /v1/chat/completions',
        search: 'POST /v1/knowledge/search',
        chatwoot: 'Chatwoot delivery → bot reply stored in Chatwoot',
        ingest: 'POST /v1/knowledge/documents',
      }[kind];
      rows.push(
        `| ${workerCount} | ${route} | ${l.length} | ${(l.length / loadSeconds).toFixed(1)} | ${percentile(l, 50).toFixed(1)} | ${percentile(l, 99).toFixed(1)} | ${errors[kind]} |`,
      );
    }
    rows.push(`| ${workerCount} | all routes | ${ops} | ${(ops / loadSeconds).toFixed(1)} | | | |`);
    rows.push(`| ${workerCount} | documents indexed (worker, end to end) | ${ingested.length} | ${(ingested.length / drainSeconds).toFixed(2)} /s | | | |`);
    // Worker throughput proper: a backlog of BACKLOG documents posted at once, timed until the last is indexed.
    const backlogStart = Date.now();
    const backlog: string[] = [];
    for (let i = 0; i < BACKLOG; i++)
      backlog.push((await call('POST', '/v1/knowledge/documents', { title: `Backlog ${docCounter}`, text: documentText(docCounter++) })).id);
    await until(
      async () => {
        for (const id of backlog) if ((await call('GET', `/v1/knowledge/documents/${id}`)).status !== 'indexed') return false;
        return true;
      },
      DRAIN_MS,
      'backlog drain',
    );
    const backlogSeconds = (Date.now() - backlogStart) / 1000;
    rows.push(`| ${workerCount} | backlog of ${BACKLOG} documents drained by the worker(s) | ${BACKLOG} | ${(BACKLOG / backlogSeconds).toFixed(2)} /s | | | |`);
    for (const k of Object.keys(pids)) resourceRows.push(`| ${workerCount} | ${k} | ${(cpu[k]! * 100).toFixed(0)} % | ${peakRss[k]!.toFixed(0)} MiB |`);
    console.log(`workers=${workerCount}: ${ops} requests in ${loadSeconds.toFixed(1)} s, ${ingested.length} documents indexed by ${drainSeconds.toFixed(1)} s`);
  }

  recordBenchmark({
    name: 'load',
    command: 'npm run bench:load',
    body: [
      `Machine load average (1 min) at start / end: ${loadBefore.toFixed(1)} / ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores. Other work on a shared machine starves these processes: compare phases of one run, not runs.`,
      '',
      `Closed loop, ${CONCURRENCY} concurrent clients, ${SECONDS} s per phase; one API process, 1 then 2 worker processes, each phase on a fresh tenant seeded with the same 30 documents; real PostgreSQL 15 and Redis (BullMQ). Mix per client: 40% chat API, 20% knowledge search, 20% Chatwoot conversations (the fake Chatwoot delivers a signed agent-bot event; the op ends when the bot's reply is stored in Chatwoot), 20% document pushes. Chat and the bot use the offline extractive answerer (no model time). The API and workers share this machine's cores with the load generator and PostgreSQL.`,
      '',
      '| workers | route | requests | req/s | p50 ms | p99 ms | errors |',
      '|---|---|---|---|---|---|---|',
      ...rows,
      '',
      'CPU (share of one core, over load + drain) and peak RSS per process:',
      '',
      '| workers | process | CPU | peak RSS |',
      '|---|---|---|---|',
      ...resourceRows,
    ].join('\n'),
  });
} finally {
  for (const w of workers) w.kill('SIGTERM');
  api.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 2000));
  await database.drop().catch(() => undefined);
  await fake.close().catch(() => undefined);
}
process.exit(0);
