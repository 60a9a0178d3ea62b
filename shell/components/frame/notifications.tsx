'use client';
import { Bell } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/primitives';
import { timeAgo } from '@/components/ui/states';
import { useLiveConnection, useLiveEvents } from './live-events';

interface Notice {
  id: string;
  summary: string;
  at: string;
}

/** Notification centre: the last 20 live activity entries, unread count until opened. */
export function NotificationCentre() {
  const [items, setItems] = useState<Notice[]>([]);
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const connected = useLiveConnection();
  const panel = useRef<HTMLDivElement>(null);
  useLiveEvents(
    (event) => {
      const summary = typeof event.data.summary === 'string' ? event.data.summary : `${event.type} event`;
      const id = typeof event.data.id === 'string' ? event.data.id : `${event.receivedAt}`;
      const at = typeof event.data.created_at === 'string' ? event.data.created_at : new Date().toISOString();
      setItems((prev) => [{ id, summary, at }, ...prev.filter((p) => p.id !== id)].slice(0, 20));
      setUnread((n) => n + 1);
    },
    ['activity'],
  );
  useEffect(() => {
    if (!open) return;
    const close = (e: KeyboardEvent | MouseEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !panel.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', close);
    document.addEventListener('mousedown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('mousedown', close);
    };
  }, [open]);
  return (
    <div className="relative" ref={panel}>
      <Button
        variant="ghost"
        size="sm"
        aria-label={`Notifications${unread ? `, ${unread} unread` : ''}`}
        aria-expanded={open}
        data-testid="notifications"
        onClick={() => {
          setOpen(!open);
          setUnread(0);
        }}
      >
        <Bell className="size-4" />
        {unread > 0 && <span className="rounded-full bg-rose-600 px-1.5 text-[10px] font-semibold text-white">{unread}</span>}
      </Button>
      {open && (
        <div
          role="dialog"
          aria-label="Notifications"
          className="absolute right-0 z-30 mt-2 w-80 rounded-xl border border-[var(--border)] bg-[var(--panel)] shadow-lg"
        >
          <div className="flex items-center justify-between border-b border-[var(--border)] px-3 py-2 text-xs">
            <span className="font-semibold">Live activity</span>
            <span className={connected ? 'text-emerald-600' : 'text-[var(--muted)]'}>{connected ? '● live' : '○ offline'}</span>
          </div>
          <ul className="max-h-96 overflow-auto">
            {items.length === 0 && <li className="px-3 py-6 text-center text-sm text-[var(--muted)]">Nothing new since you opened the console.</li>}
            {items.map((n) => (
              <li key={n.id} className="border-b border-[var(--border)] px-3 py-2 text-sm last:border-0">
                <p>{n.summary}</p>
                <p className="text-xs text-[var(--muted)]">{timeAgo(n.at)}</p>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
