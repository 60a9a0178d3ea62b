import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A stand-in for Atrium's inbound endpoint in fake-level tests: records raw deliveries, answers a chosen status. */
export interface ReceivedDelivery {
  headers: Record<string, string>;
  rawBody: string;
  body: Record<string, unknown>;
}

export interface DeliveryReceiver {
  url: string;
  received: ReceivedDelivery[];
  /** statuses to answer, consumed in order; afterwards 200 */
  respondWith(...statuses: number[]): void;
  close(): Promise<void>;
}

export async function startDeliveryReceiver(): Promise<DeliveryReceiver> {
  const received: ReceivedDelivery[] = [];
  const queue: number[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      received.push({ headers, rawBody, body: JSON.parse(rawBody) as Record<string, unknown> });
      res.writeHead(queue.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/chatwoot`,
    received,
    respondWith: (...statuses) => {
      queue.push(...statuses);
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
