'use client';
import { useState } from 'react';
import { Activity as ActivityIcon } from 'lucide-react';
import { useApi } from '@/lib/api/client';
import { activityItemSchema, activityPageSchema, type ActivityItem } from '@/lib/api/schemas';
import { Badge, Button, Card, CardHeader } from '@/components/ui/primitives';
import { ApiErrorState, EmptyState, LoadingRows, Time } from '@/components/ui/states';
import { useLiveConnection, useLiveEvents } from '@/components/frame/live-events';

/** The tenant's timeline: first page from GET /v1/activity, new entries live from the SSE stream, older on demand. */
export function ActivityView() {
  const [before, setBefore] = useState<string | null>(null);
  const { data, error, isLoading } = useApi(activityPageSchema, `/v1/activity?limit=50`);
  const older = useApi(activityPageSchema, before ? `/v1/activity?limit=50&before=${before}` : null);
  const [live, setLive] = useState<ActivityItem[]>([]);
  const connected = useLiveConnection();
  useLiveEvents(
    (event) => {
      const parsed = activityItemSchema.safeParse(event.data);
      if (parsed.success) setLive((prev) => [parsed.data, ...prev.filter((p) => p.id !== parsed.data.id)]);
    },
    ['activity'],
  );
  const seen = new Set<string>();
  const items = [...live, ...(data?.items ?? []), ...(older.data?.items ?? [])].filter((i) => !seen.has(i.id) && seen.add(i.id));
  const nextCursor = (before ? older.data?.next_cursor : data?.next_cursor) ?? null;
  return (
    <Card>
      <CardHeader
        title="Timeline"
        description="Everything that happens in this tenant, newest first."
        actions={<Badge tone={connected ? 'success' : 'neutral'}>{connected ? 'Live' : 'Connecting…'}</Badge>}
      />
      {error ? (
        <ApiErrorState error={error} what="Activity" />
      ) : isLoading ? (
        <LoadingRows />
      ) : items.length === 0 ? (
        <EmptyState icon={<ActivityIcon className="size-6" />} title="No activity yet">
          Conversations, approvals, document indexing and configuration changes will appear here as they happen.
        </EmptyState>
      ) : (
        <ol className="divide-y divide-[var(--border)]" data-testid="activity-list" aria-live="polite">
          {items.map((item) => (
            <li key={item.id} className="flex items-start gap-3 px-4 py-3">
              <span className="mt-1.5 size-2 shrink-0 rounded-full bg-brand-500" aria-hidden />
              <div className="min-w-0 flex-1">
                <p className="text-sm">{item.summary}</p>
                <p className="mt-0.5 text-xs text-[var(--muted)]">
                  <span className="font-mono">{item.type}</span>
                  {item.actor && <> · {item.actor}</>} · <Time iso={item.created_at} />
                </p>
              </div>
            </li>
          ))}
        </ol>
      )}
      {nextCursor && (
        <div className="border-t border-[var(--border)] p-3 text-center">
          <Button variant="secondary" size="sm" onClick={() => setBefore(nextCursor)} disabled={older.isLoading}>
            Load older
          </Button>
        </div>
      )}
    </Card>
  );
}
