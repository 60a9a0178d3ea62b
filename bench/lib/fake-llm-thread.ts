/**
 * The fake LLM on a worker thread of its own, for benchmarks that time Atrium: a real provider answers from another
 * machine, so its HTTP server must not take turns on Atrium's event loop (in-process, every model request and
 * streamed chunk the fake serves would be counted as time Atrium adds). Tests keep the in-process fake, whose
 * scripting and recorded requests they need.
 */
import { Worker } from 'node:worker_threads';

export interface FakeLlmThread {
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  close(): Promise<void>;
}

export async function startFakeLlmThread(): Promise<FakeLlmThread> {
  // A worker does not inherit the loader hooks tsx registered on this thread: it loads the TypeScript body through tsx's API.
  const body = new URL('./fake-llm-worker.ts', import.meta.url).href;
  const worker = new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(body)}, ${JSON.stringify(import.meta.url)}));`, {
    eval: true,
  });
  const urls = await new Promise<{ openaiBaseUrl: string; anthropicBaseUrl: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    ...urls,
    async close() {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}
