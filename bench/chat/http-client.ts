/**
 * The chat bench's HTTP client, on a worker thread: its own event loop, as a remote client has. On the
 * bench's main thread the client's reads would queue behind Atrium's own work on the same loop (a
 * streamed answer is processed in one burst), and the measured time to first token would include the
 * time Atrium spends on the rest of the answer rather than when the first token left it.
 */
import { Worker } from 'node:worker_threads';

export interface TurnTiming {
  totalMs: number;
  modelMs: number;
  cited: boolean;
}

/** The model's own endpoint, for the baseline TTFT. */
export interface DirectModel {
  url: string;
  model: string;
  apiKey: string;
  prompt: string;
}

type Request = { kind: 'turn'; question: string } | { kind: 'stream'; question: string; direct?: DirectModel };

// Plain JavaScript, evaluated in the worker: no TypeScript loader needed there.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, headers } = workerData;
async function turn(question) {
  const started = performance.now();
  const r = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ model: 'atrium', messages: [{ role: 'user', content: question }] }) });
  const body = await r.json();
  if (r.status !== 200) throw new Error('turn failed: ' + r.status + ' ' + JSON.stringify(body));
  return { totalMs: performance.now() - started, modelMs: body.atrium.timings.model_ms, cited: body.citations.length > 0 };
}
async function stream(question, direct) {
  // Through Atrium, or (direct) straight to the model's own endpoint with a prompt of the same size: the same
  // client code times both, so their difference is what Atrium adds, not a difference between two clients.
  const target = direct ? direct.url : url;
  const body = direct
    ? { model: direct.model, stream: true, messages: [{ role: 'system', content: direct.prompt }, { role: 'user', content: question }] }
    : { model: 'atrium', stream: true, messages: [{ role: 'user', content: question }] };
  const started = performance.now();
  const r = await fetch(target, { method: 'POST', headers: direct ? { 'content-type': 'application/json', authorization: 'Bearer ' + direct.apiKey } : headers, body: JSON.stringify(body) });
  const reader = r.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ttft = Number.NaN;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    // the first chunk with text: Atrium's opening chunk (role, empty content) does not count
    if (Number.isNaN(ttft) && /"delta":\\{[^}]*"content":"[^"]/.test(buffer)) ttft = performance.now() - started;
  }
  return ttft;
}
parentPort.on('message', ({ id, request }) => {
  (request.kind === 'turn' ? turn(request.question) : stream(request.question, request.direct)).then(
    (result) => parentPort.postMessage({ id, result }),
    (error) => parentPort.postMessage({ id, error: String(error && error.message || error) }),
  );
});
`;

export class ChatClient {
  private readonly worker: Worker;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(url: string, headers: Record<string, string>) {
    this.worker = new Worker(WORKER, { eval: true, workerData: { url, headers } });
    this.worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const call = this.pending.get(id);
      this.pending.delete(id);
      if (error !== undefined) call?.reject(new Error(error));
      else call?.resolve(result);
    });
  }

  private call<T>(request: Request): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ id, request });
    });
  }

  /** One plain turn: the client's round trip and the model wait the turn reports. */
  turn(question: string): Promise<TurnTiming> {
    return this.call({ kind: 'turn', question });
  }

  /** One streamed turn: time until the first content delta reached the client. */
  streamTtft(question: string): Promise<number> {
    return this.call({ kind: 'stream', question });
  }

  /** The same timing straight from the model's endpoint (no Atrium): the baseline TTFT. */
  modelTtft(question: string, direct: DirectModel): Promise<number> {
    return this.call({ kind: 'stream', question, direct });
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}
