import { Worker } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript module. A worker does not inherit the loader hooks tsx registered on this
 * thread, so it loads the body through tsx's API. Resolves once the body posts its first message (its "ready").
 */
export async function startTsWorker<Ready = unknown>(body: URL): Promise<{ worker: Worker; ready: Ready }> {
  const worker = new Worker(`import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(body.href)}, ${JSON.stringify(body.href)}));`, {
    eval: true,
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { worker, ready };
}
