import { startTsWorker } from '../../support/ts-worker';
import type { AttemptFn, DeliveryAttempt } from './deliveries';

/**
 * Delivery attempts sent from a worker thread of their own, as Chatwoot sends them from Sidekiq processes apart from
 * the Rails servers that answer the bot's API calls. For the bench, which times each acknowledgement at the sender:
 * with the senders on the fake's main thread, every API call a worker made to the fake and every conversation the
 * load generator opened could delay reading an acknowledgement, and that delay was counted as Atrium's (measured: the
 * main thread's event-loop delay reached p99 6 ms, max 24 ms during phase A). Tests keep the in-thread senders.
 */
export interface SenderThread {
  attempt: AttemptFn;
  close(): Promise<void>;
}

export async function startSenderThread(): Promise<SenderThread> {
  const { worker } = await startTsWorker(new URL('./sender-worker.ts', import.meta.url));
  const waiting = new Map<number, (result: DeliveryAttempt) => void>();
  let next = 0;
  worker.on('message', (m: { id: number; result: DeliveryAttempt }) => {
    waiting.get(m.id)?.(m.result);
    waiting.delete(m.id);
  });
  return {
    attempt: (url, body, headers, timeoutMs) =>
      new Promise((resolve) => {
        const id = next++;
        waiting.set(id, resolve);
        worker.postMessage({ id, url, body, headers, timeoutMs });
      }),
    close: () => worker.terminate().then(() => undefined),
  };
}
