import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../../../../test/fakes/llm';
import { bearer, buildApiKey, buildTenant } from '../../../../test/factories';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { flushTracing, startTracing } from './tracing';

/** The OTLP/HTTP JSON encoding of a span (what a collector receives). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string; boolValue?: boolean } }[];
}

const QUESTION = 'How long do refunds take?';
const DOCUMENT = 'Refunds are paid back to the original card within 14 days of the return arriving.';

let receiver: Server;
const bodies: string[] = [];
let fake: FakeLlm;
let atrium: TestAtrium;

const spans = (): OtlpSpan[] =>
  bodies.flatMap((b) =>
    (JSON.parse(b) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans)),
  );
const attr = (span: OtlpSpan, key: string) => {
  const v = span.attributes.find((a) => a.key === key)?.value;
  return v?.stringValue ?? (v?.intValue !== undefined ? Number(v.intValue) : v?.boolValue);
};
/** True when `ancestor` is on the parent chain of `span`. */
function descends(span: OtlpSpan, ancestor: OtlpSpan, all: OtlpSpan[]): boolean {
  for (let s: OtlpSpan | undefined = span; s; s = all.find((p) => p.spanId === s!.parentSpanId)) if (s.spanId === ancestor.spanId) return true;
  return false;
}
const serverSpan = (all: OtlpSpan[], method: string, route: string) =>
  all.find((s) => s.kind === 2 && attr(s, 'http.request.method') === method && attr(s, 'http.route') === route);

async function collected(until: (all: OtlpSpan[]) => boolean): Promise<OtlpSpan[]> {
  for (let i = 0; i < 100; i++) {
    await flushTracing();
    if (until(spans())) return spans();
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(
    `expected spans never arrived; got ${spans()
      .map((s) => s.name)
      .join(', ')}`,
  );
}

beforeAll(async () => {
  // an OTLP/HTTP collector in the test: the exporter's real wire format, on loopback only
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  fake = await startFakeLlm();
  atrium = await createTestAtrium({
    redis: true, // BullMQ: the trace context must survive the trip through Redis in the job data
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: fake.openaiBaseUrl,
      LLM_DEFAULT_CHAIN: 'openai:gpt-4o-mini',
    },
  });
});
afterAll(async () => {
  await atrium?.close();
  await fake?.close();
  receiver?.close();
});

describe('OpenTelemetry traces', () => {
  it('links a document upload to its indexing job through BullMQ, and a chat request to its queries and model call, without message text', async () => {
    const tenant = await buildTenant(atrium.services);
    const { key } = await buildApiKey(atrium.services, tenant, { scopes: ['tenant_admin'] });
    const created = await atrium.http
      .post('/v1/knowledge/documents')
      .set(bearer(key))
      .send({ title: 'Refund policy', text: `# Refunds\n\n${DOCUMENT}\n` });
    expect(created.status).toBe(202);
    for (let i = 0; i < 200; i++) {
      const r = await atrium.http.get(`/v1/knowledge/documents/${created.body.id}`).set(bearer(key));
      if (r.body.status === 'indexed') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const chat = await atrium.http
      .post('/v1/chat/completions')
      .set(bearer(key))
      .send({ model: 'atrium', messages: [{ role: 'user', content: QUESTION }] });
    expect(chat.status).toBe(200);
    await atrium.http.get('/v1/knowledge/documents?q=querystringmarker').set(bearer(key));

    const all = await collected(
      (s) =>
        s.some((x) => x.name === 'job knowledge.index-document') &&
        s.some((x) => x.name.startsWith('chat ')) &&
        !!serverSpan(s, 'POST', '/v1/chat/completions'),
    );

    const upload = serverSpan(all, 'POST', '/v1/knowledge/documents')!;
    const job = all.find((s) => s.name === 'job knowledge.index-document')!;
    expect(job.traceId).toBe(upload.traceId);
    expect(descends(job, upload, all)).toBe(true);
    expect(all.some((s) => s.name.startsWith('pg.') && descends(s, job, all))).toBe(true);

    const request = serverSpan(all, 'POST', '/v1/chat/completions')!;
    const queries = all.filter((s) => s.name.startsWith('pg.query') && descends(s, request, all));
    expect(queries.length).toBeGreaterThan(0);
    const model = all.find((s) => s.name === 'chat gpt-4o-mini' && descends(s, request, all))!;
    expect(model).toBeDefined();
    expect(attr(model, 'gen_ai.provider.name')).toBe('openai');
    expect(attr(model, 'gen_ai.usage.input_tokens')).toBe(chat.body.usage.prompt_tokens);
    expect(attr(model, 'gen_ai.usage.output_tokens')).toBe(chat.body.usage.completion_tokens);
    expect(attr(model, 'atrium.model.latency_ms')).toEqual(expect.any(Number));

    const exported = bodies.join('\n');
    expect(exported).not.toContain(QUESTION);
    expect(exported).not.toContain('original card');
    expect(exported).not.toContain('querystringmarker');
    expect(exported).not.toContain(chat.body.choices[0].message.content.slice(0, 40));
  });

  it('puts the active trace and span ids on every log line written inside a span', () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger('info', {}, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
    log.info('outside');
    const ids = trace.getTracer('test').startActiveSpan('unit of work', (span) => {
      log.info('inside');
      span.end();
      return span.spanContext();
    });
    expect(lines[0]).not.toHaveProperty('trace_id');
    expect(lines[1]).toMatchObject({ trace_id: ids.traceId, span_id: ids.spanId });
  });

  it('stays off, loading nothing, when no endpoint is configured', async () => {
    const config = loadConfig({ NODE_ENV: 'test', OTEL_EXPORTER_OTLP_ENDPOINT: undefined });
    await expect(startTracing(config)).resolves.toBeNull();
  });
});
