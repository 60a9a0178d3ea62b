import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { countTokens, defaultAnswer, fakeEmbedding, toBase64Floats } from './default-answer';
import { readPrompt, type Prompt } from './prompt';
import { Script, type FakeApi, type FakeMatch, type FakeReply } from './script';
import { anthropicWire, openAiWire, type Answer } from './wire';

export interface RecordedRequest {
  api: FakeApi;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
  model: string;
  stream: boolean;
  lastUserMessage: string;
  /** Every message's text, system prompt first: what the model "saw". */
  texts: string[];
}

export interface FakeLlmOptions {
  /** Vector size when a request does not ask for `dimensions`. */
  embeddingDimensions?: number;
  /** When set, requests without this key (Bearer, api-key or x-api-key) get a 401. */
  apiKey?: string;
}

export interface FakeLlm {
  /** http://127.0.0.1:<port> */
  url: string;
  /** Base URL for the `openai` SDK and OpenAI-compatible configs. */
  openaiBaseUrl: string;
  /** Base URL for the `@anthropic-ai/sdk` (it appends /v1/messages) and the Azure endpoint. */
  anthropicBaseUrl: string;
  requests: RecordedRequest[];
  enqueue(...replies: FakeReply[]): void;
  enqueueFor(match: FakeMatch, ...replies: FakeReply[]): void;
  on(match: FakeMatch, reply: FakeReply, times?: number): void;
  /** Forgets scripted replies and recorded requests. */
  reset(): void;
  close(): Promise<void>;
}

const ROUTES: { pattern: RegExp; api: FakeApi }[] = [
  { pattern: /^\/v1\/chat\/completions$/, api: 'openai-chat' },
  { pattern: /^\/v1\/embeddings$/, api: 'openai-embeddings' },
  { pattern: /^\/v1\/messages$/, api: 'anthropic-messages' },
  // Azure OpenAI: the deployment in the path stands for the model.
  { pattern: /^\/openai\/deployments\/([^/]+)\/chat\/completions$/, api: 'openai-chat' },
  { pattern: /^\/openai\/deployments\/([^/]+)\/embeddings$/, api: 'openai-embeddings' },
];

/** Starts the fake on 127.0.0.1 with an ephemeral port. */
export async function startFakeLlm(options: FakeLlmOptions = {}): Promise<FakeLlm> {
  const script = new Script();
  const requests: RecordedRequest[] = [];
  let sequence = 0;

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { error: { message: String(error), type: 'server_error' } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    const route = ROUTES.map((candidate) => ({ ...candidate, match: candidate.pattern.exec(path) })).find((candidate) => candidate.match);
    if (req.method !== 'POST' || !route) return send(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'not_found' } });
    const raw = await readBody(req);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return send(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    const prompt = readPrompt(route.api, body);
    const model = route.match?.[1] ?? String(body.model ?? '');
    const stream = body.stream === true;
    requests.push({ api: route.api, path, headers: { ...req.headers }, body, model, stream, lastUserMessage: prompt.lastUserMessage, texts: prompt.texts });
    if (options.apiKey && !presentedKeys(req).includes(options.apiKey)) {
      return send(res, 401, wireFor(route.api).error(401, 'invalid api key'));
    }
    const scripted = script.next({ api: route.api, model, lastUserMessage: prompt.lastUserMessage });
    if (scripted?.kind === 'hang') return; // never answer; close() tears the socket down
    if (scripted?.delayMs) await sleep(scripted.delayMs);
    if (res.destroyed) return;
    if (scripted?.kind === 'error') {
      const headers: Record<string, string> = scripted.retryAfterSeconds !== undefined ? { 'retry-after': String(scripted.retryAfterSeconds) } : {};
      return send(res, scripted.status, wireFor(route.api).error(scripted.status, scripted.message ?? `scripted ${scripted.status}`), headers);
    }
    if (scripted?.kind === 'malformed') return sendMalformed(res, stream, scripted.variant ?? 'json');
    sequence += 1;
    if (route.api === 'openai-embeddings') return sendEmbeddings(res, body, model);
    const answer = toAnswer(scripted, prompt, route.api, sequence);
    const context = {
      id: `${route.api === 'anthropic-messages' ? 'msg' : 'chatcmpl'}_fake_${sequence}`,
      model,
      inputTokens: countTokens(prompt.texts.join('\n')),
    };
    if (!stream) {
      return send(res, 200, route.api === 'anthropic-messages' ? anthropicWire.message(answer, context) : openAiWire.completion(answer, context));
    }
    const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
    const frames = route.api === 'anthropic-messages' ? anthropicWire.frames(answer, context) : openAiWire.frames(answer, context, includeUsage);
    const text = scripted?.kind === 'text' ? scripted : undefined;
    await sendFrames(res, frames, { chunkDelayMs: scripted?.chunkDelayMs ?? 0, cutAfter: text?.cutAfterChunks, stallAfter: text?.stallAfterChunks });
  }

  function sendEmbeddings(res: ServerResponse, body: Record<string, unknown>, model: string) {
    const inputs = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
    const dimensions = typeof body.dimensions === 'number' ? body.dimensions : (options.embeddingDimensions ?? 256);
    const base64 = body.encoding_format === 'base64';
    send(res, 200, {
      object: 'list',
      model,
      data: inputs.map((text, index) => {
        const vector = fakeEmbedding(text, dimensions);
        return { object: 'embedding', index, embedding: base64 ? toBase64Floats(vector) : vector };
      }),
      usage: { prompt_tokens: countTokens(inputs.join(' ')), total_tokens: countTokens(inputs.join(' ')) },
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    requests,
    enqueue: (...replies) => script.enqueue(replies),
    enqueueFor: (match, ...replies) => script.enqueue(replies, match),
    on: (match, item, times) => script.on(match, item, times),
    reset: () => {
      script.reset();
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function wireFor(api: FakeApi) {
  return api === 'anthropic-messages' ? anthropicWire : openAiWire;
}

function toAnswer(scripted: FakeReply | undefined, prompt: Prompt, api: FakeApi, sequence: number): Answer {
  const idPrefix = api === 'anthropic-messages' ? 'toolu_fake' : 'call_fake';
  if (scripted?.kind === 'tool_calls') {
    return {
      text: scripted.text ?? '',
      calls: scripted.calls.map((call, index) => ({
        id: call.id ?? `${idPrefix}_${sequence}_${index}`,
        name: call.name,
        arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
      })),
      finishReason: 'tool_calls',
      usage: scripted.usage,
    };
  }
  if (scripted?.kind === 'text')
    return { text: scripted.text, calls: [], finishReason: scripted.finishReason ?? 'stop', usage: scripted.usage, chunkChars: scripted.chunkChars };
  return { text: defaultAnswer(prompt), calls: [], finishReason: 'stop' };
}

function presentedKeys(req: IncomingMessage): string[] {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  return [bearer, req.headers['api-key'], req.headers['x-api-key']].filter((key): key is string => typeof key === 'string');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendMalformed(res: ServerResponse, stream: boolean, variant: 'json' | 'shape') {
  if (stream) {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.end(variant === 'json' ? 'data: {"choices": [ this is not json\n\n' : `data: ${JSON.stringify({ unexpected: true })}\n\ndata: [DONE]\n\n`);
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(variant === 'json' ? '{"choices": [ this is not json' : JSON.stringify({ unexpected: true }));
}

async function sendFrames(res: ServerResponse, frames: string[], pacing: { chunkDelayMs: number; cutAfter?: number; stallAfter?: number }) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  for (const [index, frame] of frames.entries()) {
    if (res.destroyed) return;
    if (index === pacing.cutAfter) {
      res.destroy(); // connection lost mid-answer
      return;
    }
    if (index === pacing.stallAfter) return; // the model stops talking; close() tears the socket down
    // Wait for each frame to be flushed so a later cut cannot swallow frames already "sent".
    await new Promise<void>((resolve) => res.write(frame, () => resolve()));
    if (pacing.chunkDelayMs > 0) await sleep(pacing.chunkDelayMs);
  }
  res.end();
}
