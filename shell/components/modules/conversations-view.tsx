'use client';
import { useState } from 'react';
import Link from 'next/link';
import { MessagesSquare, ShieldAlert, UserRound, Wrench } from 'lucide-react';
import { useApi } from '@/lib/api/client';
import { conversationDetailSchema, conversationListSchema, type Conversation, type Message } from '@/lib/api/schemas';
import { cn } from '@/lib/cn';
import { Badge, Card, CardHeader, type Tone } from '@/components/ui/primitives';
import { ApiErrorState, EmptyState, LoadingRows, Time } from '@/components/ui/states';
import { useLiveEvents } from '@/components/frame/live-events';
import { CitationList } from './citations';

const STATUS_TONE: Record<string, Tone> = { open: 'info', pending: 'warning', escalated: 'danger', resolved: 'success', closed: 'neutral' };
const STATUSES = ['', 'open', 'escalated', 'resolved'] as const;

export function ConversationList({ selectedId, hrefFor }: { selectedId?: string; hrefFor: (c: Conversation) => string }) {
  const [status, setStatus] = useState<string>('');
  const list = useApi(conversationListSchema, `/v1/conversations?limit=50${status ? `&status=${status}` : ''}`);
  useLiveEvents((event) => {
    if (String(event.data.resource_type ?? '').startsWith('conversation')) void list.mutate();
  });
  return (
    <Card>
      <CardHeader
        title="Conversations"
        actions={
          <select
            aria-label="Filter by status"
            className="h-8 rounded-md border border-[var(--border)] bg-[var(--panel)] px-2 text-xs"
            value={status}
            onChange={(e) => setStatus(e.target.value)}
          >
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'All'}
              </option>
            ))}
          </select>
        }
      />
      {list.error ? (
        <ApiErrorState error={list.error} what="Conversations" />
      ) : list.isLoading ? (
        <LoadingRows />
      ) : list.data!.items.length === 0 ? (
        <EmptyState icon={<MessagesSquare className="size-6" />} title="No conversations yet">
          Conversations from the website widget, Chatwoot and the API appear here.
        </EmptyState>
      ) : (
        <ul className="divide-y divide-[var(--border)]" data-testid="conversation-list">
          {list.data!.items.map((c) => (
            <li key={c.id}>
              <Link
                href={hrefFor(c)}
                aria-current={c.id === selectedId}
                className={cn(
                  'flex items-center gap-3 px-4 py-3 hover:bg-slate-50 dark:hover:bg-slate-800/50',
                  c.id === selectedId && 'bg-brand-50 dark:bg-brand-700/15',
                )}
              >
                <div className="min-w-0 flex-1">
                  <p className="truncate text-sm font-medium">{c.title ?? 'Untitled conversation'}</p>
                  <p className="text-xs text-[var(--muted)]">
                    {c.channel} · <Time iso={c.last_message_at ?? c.updated_at} />
                  </p>
                </div>
                {c.owner === 'human' && <Badge tone="warning">human</Badge>}
                {c.status && <Badge tone={STATUS_TONE[c.status] ?? 'neutral'}>{c.status}</Badge>}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

/** One conversation as an operator needs it: who owns it, what was said, what it cited, what safety and tools did. */
export function Transcript({ id }: { id: string }) {
  const { data, error, isLoading, mutate } = useApi(conversationDetailSchema, `/v1/conversations/${id}`);
  useLiveEvents((event) => {
    if (event.data.resource_id === id) void mutate();
  });
  if (error)
    return (
      <Card>
        <ApiErrorState error={error} what="This conversation" />
      </Card>
    );
  if (isLoading || !data)
    return (
      <Card>
        <LoadingRows rows={6} />
      </Card>
    );
  return (
    <Card data-testid="transcript">
      <CardHeader
        title={data.title ?? 'Untitled conversation'}
        description={
          <>
            {data.channel} · started <Time iso={data.created_at} />
          </>
        }
        actions={
          <div className="flex items-center gap-2">
            <Badge tone={data.owner === 'human' ? 'warning' : 'info'}>{data.owner === 'human' ? 'handed off to a human' : 'assistant answering'}</Badge>
            {data.status && <Badge tone={STATUS_TONE[data.status] ?? 'neutral'}>{data.status}</Badge>}
          </div>
        }
      />
      <ol className="space-y-4 p-4">
        {data.messages.length === 0 && <li className="text-sm text-[var(--muted)]">No messages.</li>}
        {data.messages.map((m, i) => (
          <MessageItem key={m.id ?? i} message={m} />
        ))}
      </ol>
    </Card>
  );
}

function MessageItem({ message }: { message: Message }) {
  const customer = message.role === 'user';
  const flags = message.safety_flags ?? [];
  return (
    <li className={customer ? 'max-w-[85%]' : 'ml-auto max-w-[85%]'}>
      <p className="mb-1 flex items-center gap-1 text-xs text-[var(--muted)]">
        {customer ? <UserRound className="size-3" /> : null}
        {customer ? 'Customer' : message.role === 'assistant' ? 'Assistant' : message.role} · <Time iso={message.created_at} />
        {message.model && <span className="font-mono"> · {message.model}</span>}
      </p>
      <div
        className={cn(
          'rounded-2xl px-4 py-2 text-sm',
          customer ? 'rounded-tl-sm bg-slate-100 dark:bg-slate-800' : 'rounded-tr-sm border border-[var(--border)]',
        )}
      >
        <p className="whitespace-pre-wrap">{message.content}</p>
      </div>
      {flags.length > 0 && (
        <div className="mt-1 flex flex-wrap gap-1" data-testid="safety-flags">
          {flags.map((f, i) => (
            <Badge key={i} tone="danger" className="gap-1">
              <ShieldAlert className="size-3" /> {String(f.type ?? f.kind ?? 'safety')}
              {f.action ? ` · ${String(f.action)}` : ''}
            </Badge>
          ))}
        </div>
      )}
      {(message.tool_calls ?? []).map((call, i) => (
        <p key={i} className="mt-1 flex items-center gap-1 text-xs text-[var(--muted)]" data-testid="tool-call" title={call.arguments}>
          <Wrench className="size-3" /> <span className="font-mono">{call.name}</span>
          <Badge tone={call.status === 'ok' ? 'success' : call.status === 'pending_approval' ? 'warning' : 'danger'}>{call.status}</Badge>
        </p>
      ))}
      <CitationList citations={message.citations ?? []} />
    </li>
  );
}

export function ConversationsView({ selectedId }: { selectedId?: string }) {
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.6fr)]">
      <ConversationList selectedId={selectedId} hrefFor={(c) => `/conversations/${c.id}`} />
      {selectedId ? (
        <Transcript id={selectedId} />
      ) : (
        <Card>
          <EmptyState title="Select a conversation">The transcript, its citations, safety flags, tool calls and handoff state appear here.</EmptyState>
        </Card>
      )}
    </div>
  );
}
