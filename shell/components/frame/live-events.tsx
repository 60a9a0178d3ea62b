'use client';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { apiUrl } from '@/lib/api/client';

export interface LiveEvent {
  type: string;
  data: Record<string, unknown>;
  receivedAt: number;
}
type Listener = (event: LiveEvent) => void;

/** Event names the orchestrator publishes on /v1/activity/stream (EventSource needs each named). */
const EVENT_TYPES = ['activity', 'approval', 'document', 'knowledge', 'conversation', 'message', 'tool', 'audit', 'config'];

interface LiveState {
  connected: boolean;
  subscribe(listener: Listener): () => void;
}
const LiveContext = createContext<LiveState>({ connected: false, subscribe: () => () => undefined });

/** One SSE connection per tab for the current tenant; pages subscribe instead of opening their own. */
export function LiveEventsProvider({ tenant, enabled, children }: { tenant: string | null; enabled: boolean; children: ReactNode }) {
  const listeners = useRef(new Set<Listener>());
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    if (!enabled || !tenant) return;
    // EventSource cannot send headers; the console server adds the token and takes the tenant from the cookie.
    const source = new EventSource(apiUrl('/v1/activity/stream'));
    source.addEventListener('ready', () => setConnected(true));
    source.onerror = () => setConnected(source.readyState === EventSource.OPEN);
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (message) => {
        let data: Record<string, unknown> = {};
        try {
          data = JSON.parse((message as MessageEvent<string>).data) as Record<string, unknown>;
        } catch {
          return; // a malformed event is dropped, not allowed to break the stream
        }
        for (const listener of listeners.current) listener({ type, data, receivedAt: Date.now() });
      });
    }
    return () => {
      source.close();
      setConnected(false);
    };
  }, [enabled, tenant]);
  const subscribe = useCallback((listener: Listener) => {
    listeners.current.add(listener);
    return () => void listeners.current.delete(listener);
  }, []);
  const value = useMemo(() => ({ connected, subscribe }), [connected, subscribe]);
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

export const useLiveConnection = () => useContext(LiveContext).connected;

/** Calls `onEvent` for every live event (optionally of some types) while the component is mounted. */
export function useLiveEvents(onEvent: Listener, types?: readonly string[]) {
  const { subscribe } = useContext(LiveContext);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  const key = types?.join(',');
  useEffect(
    () =>
      subscribe((event) => {
        if (!types || types.includes(event.type)) handler.current(event);
      }),
    [subscribe, key], // `types` is compared by value through `key`
  );
}
