/**
 * The fake LLM on a worker thread of its own, for benchmarks that time Atrium: a real provider answers from another
 * machine, so its HTTP server must not take turns on Atrium's event loop (in-process, every model request and
 * streamed chunk the fake serves would be counted as time Atrium adds). Tests keep the in-process fake, whose
 * scripting and recorded requests they need.
 */
import { startTsWorker } from '../../test/support/ts-worker';

export interface FakeLlmThread {
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  close(): Promise<void>;
}

export async function startFakeLlmThread(): Promise<FakeLlmThread> {
  const { worker, ready } = await startTsWorker<{ openaiBaseUrl: string; anthropicBaseUrl: string }>(new URL('./fake-llm-worker.ts', import.meta.url));
  return {
    ...ready,
    async close() {
      worker.postMessage('close');
      await new Promise((resolve) => worker.once('exit', resolve));
    },
  };
}
