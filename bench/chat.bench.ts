/**
 * `npm run bench:chat`: what Atrium adds to a chat turn. A real Atrium (PostgreSQL, in-process worker)
 * answers POST /v1/chat/completions over loopback HTTP, with retrieval on over an indexed knowledge
 * base, the default safety policy, and the fake LLM (test/fakes/llm, on a thread of its own as a remote provider
 * would be: bench/lib/fake-llm-thread.ts) answering instantly through the official openai SDK. Measured per turn at the client:
 *   - added time = client round trip − the model wait the turn itself reports (atrium.timings.model_ms),
 *   - time to first token added to a stream = client TTFT through Atrium − the same client's TTFT straight from the fake,
 *   - throughput of concurrent turns.
 * Every loop is bounded by a count and by BENCH_CHAT_DEADLINE_MS. Writes the "chat" section of BENCHMARKS.md.
 * Knobs: BENCH_CHAT_TURNS (200), BENCH_CHAT_STREAMS (100), BENCH_CHAT_CONCURRENCY (8), BENCH_CHAT_CONCURRENT_TURNS (160).
 */
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { bearer, buildApiKey, buildTenant } from '../test/factories';
import { createTestAtrium } from '../test/support/app';
import pg from 'pg';
import { ChatClient } from './chat/http-client';
import { startFakeLlmThread } from './lib/fake-llm-thread';
import { percentile, recordBenchmark } from './lib/report';

const TURNS = Number(process.env.BENCH_CHAT_TURNS ?? 200);
const STREAMS = Number(process.env.BENCH_CHAT_STREAMS ?? 100);
const CONCURRENCY = Number(process.env.BENCH_CHAT_CONCURRENCY ?? 8);
const CONCURRENT_TURNS = Number(process.env.BENCH_CHAT_CONCURRENT_TURNS ?? 160);
const DEADLINE = Date.now() + Number(process.env.BENCH_CHAT_DEADLINE_MS ?? 480_000);
const WARMUP = 30;

const QUESTIONS = [
  'How long do refunds take?',
  'Can I change my delivery address after ordering?',
  'What payment methods do you accept?',
  'How do I reset my password?',
  'Is shipping free within Germany?',
  'How do I cancel my subscription?',
  'Where can I download my invoice?',
  'What are your support opening hours?',
];

const TOPICS = [
  ['Refunds', 'Refunds are paid back to the original payment method within 14 days of the return arriving at our warehouse.'],
  ['Delivery address', 'You can change the delivery address until the parcel has been handed to the carrier, from the order page.'],
  ['Payment methods', 'We accept credit cards, PayPal, SEPA direct debit and invoices for business customers.'],
  ['Passwords', 'To reset your password, use the link on the sign-in page; the reset email is valid for one hour.'],
  ['Shipping', 'Standard shipping within Germany is free for orders above 50 EUR and takes two to three working days.'],
  ['Subscriptions', 'Subscriptions can be cancelled at any time in the account settings and end with the current billing period.'],
  ['Invoices', 'Invoices can be downloaded as PDF from the orders section of your account for ten years.'],
  ['Support hours', 'Our support desk is open Monday to Friday from 9:00 to 17:00 CET, except on public holidays.'],
] as const;

const log = (line: string) => console.log(line);
const ms = (n: number) => (Number.isFinite(n) ? `${n.toFixed(1)} ms` : 'not measured (deadline reached)');
const verdict = (ok: boolean) => (ok ? 'met' : '**not met**');
const inTime = () => Date.now() < DEADLINE;

// PostgreSQL round trips per turn: a figure the machine's load cannot move (every statement is one round trip).
let statements = 0;
const clientQuery = pg.Client.prototype.query as unknown as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  statements += 1;
  return clientQuery.apply(this, args);
};

const fake = await startFakeLlmThread();
const atrium = await createTestAtrium({
  env: {
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: fake.openaiBaseUrl,
    LLM_DEFAULT_CHAIN: 'openai:gpt-4o-mini',
    LOG_LEVEL: 'warn',
    DATABASE_POOL_SIZE: String(CONCURRENCY + 4),
    // One API key sends every turn of the bench, faster than a person would: the limiter still runs on each request,
    // with a budget the bench cannot exhaust (the default 600/min stopped long runs with 429s).
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_TENANT_PER_MINUTE: '1000000',
  },
});
const server = atrium.app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;

try {
  const tenant = await buildTenant(atrium.services);
  const { key } = await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] });
  log('indexing the knowledge base …');
  const ids: string[] = [];
  for (let copy = 0; copy < 5; copy++) {
    for (const [title, text] of TOPICS) {
      const r = await atrium.http
        .post('/v1/knowledge/documents')
        .set(bearer(key))
        .send({ title: `${title} ${copy + 1}`, text: `# ${title}\n\n${text}\n\nSee also section ${copy + 1} of the help centre.` });
      ids.push(r.body.id as string);
    }
  }
  for (const id of ids) {
    for (let i = 0; i < 300 && inTime(); i++) {
      const r = await atrium.http.get(`/v1/knowledge/documents/${id}`).set(bearer(key));
      if (r.body.status === 'indexed' || r.body.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  // Clients run on a worker thread (bench/chat/http-client.ts): a remote client's view, not one that waits for this loop.
  const client = new ChatClient(url, { authorization: `Bearer ${key}`, 'content-type': 'application/json' });
  const turn = (question: string) => client.turn(question);
  const streamTtft = (question: string) => client.streamTtft(question);

  log('warming up …');
  for (let i = 0; i < WARMUP; i++) await turn(QUESTIONS[i % QUESTIONS.length]!);

  log(`sequential turns (${TURNS}) …`);
  const added: number[] = [];
  const totals: number[] = [];
  let cited = 0;
  const statementsBefore = statements;
  for (let i = 0; i < TURNS && inTime(); i++) {
    const t = await turn(QUESTIONS[i % QUESTIONS.length]!);
    totals.push(t.totalMs);
    added.push(t.totalMs - t.modelMs);
    if (t.cited) cited += 1;
  }

  const roundTrips = (statements - statementsBefore) / Math.max(1, added.length);
  log(`streams (${STREAMS}) …`);
  // The fake model's own time to first token, streamed straight from its endpoint by the same client code with a
  // prompt of the same size, measured alternately with Atrium's streams so both see the same machine load.
  const direct = {
    url: `${fake.openaiBaseUrl}/chat/completions`,
    model: 'gpt-4o-mini',
    apiKey: 'sk-bench',
    prompt: `Sources:\n${TOPICS.map(([title, text], i) => `[${i + 1}] ${title}: ${text}`).join('\n')}`,
  };
  const ttfts: number[] = [];
  const modelTtfts: number[] = [];
  for (let i = 0; i < STREAMS && inTime(); i++) {
    ttfts.push(await streamTtft(QUESTIONS[i % QUESTIONS.length]!));
    modelTtfts.push(await client.modelTtft(QUESTIONS[i % QUESTIONS.length]!, direct));
  }

  log(`concurrent turns (${CONCURRENT_TURNS} over ${CONCURRENCY} clients) …`);
  let next = 0;
  const concurrentStarted = performance.now();
  const concurrentLatencies: number[] = [];
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CONCURRENT_TURNS && inTime()) {
        const i = next++;
        concurrentLatencies.push((await turn(QUESTIONS[i % QUESTIONS.length]!)).totalMs);
      }
    }),
  );
  const concurrentSeconds = (performance.now() - concurrentStarted) / 1000;
  const throughput = concurrentLatencies.length ? concurrentLatencies.length / concurrentSeconds : Number.NaN;

  const p50 = percentile(added, 50);
  const p99 = percentile(added, 99);
  const ttftAdded = percentile(ttfts, 50) - percentile(modelTtfts, 50);
  const load = loadavg()[0]!.toFixed(1);
  const body = [
    `Load average while measuring: ${load} on this shared machine (other engineers' builds and tests run alongside; figures scale with it).`,
    '',
    `Real Atrium on PostgreSQL over loopback HTTP, clients on a worker thread of their own (as a remote client: their reads never wait for Atrium's event loop); retrieval on (${ids.length} indexed documents, hybrid search), default safety policy, grounding prompt, persistence and audit per turn; fake LLM answering instantly through the official \`openai\` SDK, served from a thread of its own (a provider is another machine: its HTTP server must not share Atrium's event loop). ${added.length} sequential turns after ${WARMUP} warm-up turns; ${cited} of them cited a source.`,
    '',
    '| metric | measured | target | |',
    '|---|---|---|---|',
    `| time Atrium adds to a turn (client round trip − model wait), p50 | **${ms(p50)}** | ≤ 15 ms | ${verdict(p50 <= 15)} |`,
    `| time Atrium adds to a turn, p99 | **${ms(p99)}** | ≤ 50 ms | ${verdict(p99 <= 50)} |`,
    `| PostgreSQL round trips per turn (statements sent, averaged over the sequential turns; independent of load) | ${roundTrips.toFixed(1)} | | |`,
    `| whole turn at the client (incl. the fake model's HTTP round trip), p50 / p95 / p99 | ${ms(percentile(totals, 50))} / ${ms(percentile(totals, 95))} / ${ms(percentile(totals, 99))} | | |`,
    `| time to first token added to a stream (p50 client TTFT ${ms(percentile(ttfts, 50))} − p50 model TTFT ${ms(percentile(modelTtfts, 50))}) | **${ms(ttftAdded)}** | ≤ 10 ms | ${verdict(ttftAdded <= 10)} |`,
    `| throughput, ${CONCURRENCY} concurrent clients | ${throughput.toFixed(1)} turns/s (${concurrentLatencies.length} turns in ${concurrentSeconds.toFixed(1)} s; latency p50 ${ms(percentile(concurrentLatencies, 50))}, p95 ${ms(percentile(concurrentLatencies, 95))}) | | |`,
  ].join('\n');
  log(body);
  recordBenchmark({ name: 'chat', command: 'npm run bench:chat', body });
  await client.close();
} finally {
  server.close();
  await atrium.close();
  await fake.close();
}
