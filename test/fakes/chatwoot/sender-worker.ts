/** Worker-thread body of sender-thread.ts: runs each delivery attempt it is given and posts its outcome back. */
import { parentPort } from 'node:worker_threads';
import { attempt } from './deliveries';

parentPort!.on('message', (m: { id: number; url: string; body: string; headers: Record<string, string>; timeoutMs: number }) => {
  void attempt(m.url, m.body, m.headers, m.timeoutMs).then((result) => parentPort!.postMessage({ id: m.id, result }));
});
parentPort!.postMessage('ready');
