import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';

/**
 * Live events (activity timeline, approvals) for SSE streams. In-process by default; with Redis,
 * events published by any API or worker replica reach the streams of every replica.
 */
export interface LiveEvent {
  tenantId: string;
  type: string;
  data: Record<string, unknown>;
}

export interface EventBus {
  publish(event: LiveEvent): void;
  subscribe(tenantId: string, listener: (event: LiveEvent) => void): () => void;
  close(): Promise<void>;
}

const CHANNEL = 'atrium:live';

export function createEventBus(redisUrl?: string): EventBus {
  const local = new EventEmitter();
  local.setMaxListeners(0);
  if (!redisUrl) {
    return {
      publish: (e) => void local.emit(e.tenantId, e),
      subscribe(tenantId, listener) {
        local.on(tenantId, listener);
        return () => local.off(tenantId, listener);
      },
      close: async () => void local.removeAllListeners(),
    };
  }
  const pub = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  const sub = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  let subscribed: Promise<unknown> | undefined;
  sub.on('message', (_channel: string, raw: string) => {
    try {
      const event = JSON.parse(raw) as LiveEvent;
      local.emit(event.tenantId, event);
    } catch {
      /* a malformed message from another version is dropped, not fatal */
    }
  });
  return {
    publish: (e) => void pub.publish(CHANNEL, JSON.stringify(e)).catch(() => local.emit(e.tenantId, e)),
    subscribe(tenantId, listener) {
      subscribed ??= sub.subscribe(CHANNEL).catch(() => undefined);
      local.on(tenantId, listener);
      return () => local.off(tenantId, listener);
    },
    async close() {
      local.removeAllListeners();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
