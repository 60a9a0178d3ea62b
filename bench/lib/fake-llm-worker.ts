/** Worker-thread body of fake-llm-thread.ts: starts the fake, reports its URLs, closes it on request. */
import { parentPort } from 'node:worker_threads';
import { startFakeLlm } from '../../test/fakes/llm';

const fake = await startFakeLlm();
parentPort!.postMessage({ openaiBaseUrl: fake.openaiBaseUrl, anthropicBaseUrl: fake.anthropicBaseUrl });
parentPort!.once('message', () => {
  // The recorded requests grow with every call; a bench never reads them.
  void fake.close().then(() => process.exit(0));
});
