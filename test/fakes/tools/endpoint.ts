import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP tool endpoint that records each call's JSON body and answers `{ ok: true, message }` (or, given an
 * object, that object as it is).
 * For tests about who may run a tool and how often it runs, not about the wire contract (tools.test.ts checks
 * signatures).
 */
export async function startToolEndpoint(answer: string | Record<string, unknown> = 'Done.') {
  const body = JSON.stringify(typeof answer === 'string' ? { ok: true, message: answer } : answer);
  const calls: { input?: unknown }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      calls.push(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      res.setHeader('content-type', 'application/json');
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tool`,
    calls,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
