import type { Request, Response } from 'express';
import type { EventBus } from '../../platform/bus';

const HEARTBEAT_MS = 15_000;

/** Keeps an SSE connection open, forwarding the tenant's live events until the client goes away. */
export function openEventStream(bus: EventBus, tenantId: string, req: Request, res: Response): void {
  res.status(200).set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no', // reverse proxies must not buffer the stream
  });
  res.flushHeaders();
  res.write(`event: ready\ndata: {}\n\n`);
  const unsubscribe = bus.subscribe(tenantId, (event) => {
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event.data)}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(`: keep-alive\n\n`), HEARTBEAT_MS);
  heartbeat.unref();
  req.on('close', () => {
    clearInterval(heartbeat);
    unsubscribe();
  });
}
