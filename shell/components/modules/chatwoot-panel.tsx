'use client';
import { useEffect, useState } from 'react';
import { Copy } from 'lucide-react';
import { setApiTenant, useApi } from '@/lib/api/client';
import { chatwootPanelSchema } from '@/lib/api/schemas';
import { Badge, Button } from '@/components/ui/primitives';
import { ApiErrorState, LoadingRows, Time } from '@/components/ui/states';

/** Chatwoot's Dashboard App protocol: ask the parent for context, receive `{ event: 'appContext', data }`. */
function useChatwootContext(): number | null {
  const [conversationId, setConversationId] = useState<number | null>(null);
  useEffect(() => {
    const onMessage = (message: MessageEvent) => {
      let payload: unknown = message.data;
      if (typeof payload === 'string') {
        try {
          payload = JSON.parse(payload);
        } catch {
          return;
        }
      }
      const event = payload as { event?: string; data?: { conversation?: { id?: unknown } } } | null;
      if (event?.event !== 'appContext') return;
      const id = Number(event.data?.conversation?.id);
      if (Number.isInteger(id) && id > 0) setConversationId(id);
    };
    window.addEventListener('message', onMessage);
    window.parent?.postMessage('chatwoot-dashboard-app:fetch-info', '*');
    return () => window.removeEventListener('message', onMessage);
  }, []);
  return conversationId;
}

const REASONS: Record<string, string> = {
  customer_request: 'The customer asked for a person',
  topic_policy: 'Topic the assistant must not handle',
  safety: 'Safety policy',
  no_answer: 'No answer in the knowledge base',
  tool_approval: 'Waiting for an approval',
  pipeline_failure: 'The assistant failed',
  delivery_failure: 'A reply could not be delivered',
};

export function ChatwootPanel({ integrationId, tenant }: { integrationId: string; tenant: string | null }) {
  setApiTenant(tenant ?? undefined);
  const conversationId = useChatwootContext();
  const { data, error, isLoading } = useApi(
    chatwootPanelSchema,
    conversationId ? `/v1/integrations/chatwoot/${integrationId}/conversations/${conversationId}/panel` : null,
    { refreshInterval: 10_000 },
  );
  if (!conversationId) return <p className="p-4 text-sm text-[var(--muted)]">Waiting for Chatwoot to share the open conversation…</p>;
  if (error) return <ApiErrorState error={error} what="The Atrium panel" />;
  if (isLoading || !data) return <LoadingRows rows={3} />;
  return (
    <div className="space-y-4 p-4 text-sm" data-testid="chatwoot-panel">
      <div className="flex items-center gap-2">
        <Badge tone={data.conversation.owner === 'human' ? 'warning' : 'info'}>{data.conversation.owner === 'human' ? 'with a human' : 'assistant'}</Badge>
        {data.conversation.status && <Badge>{data.conversation.status}</Badge>}
      </div>
      {data.handoff && (
        <section>
          <h2 className="text-xs font-semibold uppercase tracking-wide text-[var(--muted)]">Handoff</h2>
          <p className="mt-1 font-medium">{REASONS[data.handoff.reason] ?? data.handoff.reason}</p>
          <p className="mt-1">{data.handoff.summary}</p>
          {data.handoff.tried.length > 0 && <p className="mt-1 text-xs text-[var(--muted)]">Tried: {data.handoff.tried.join(', ')}</p>}
          <p className="mt-1 text-xs text-[var(--muted)]">
            <Time iso={data.handoff.at} />
          </p>
        </section>
      )}
      {data.suggested_replies.length > 0 && (
        <section>
          <h2 className="text-xs font-semibold uppercase tracking-wide text-[var(--muted)]">Suggested replies</h2>
          <ul className="mt-1 space-y-2">
            {data.suggested_replies.map((reply, i) => (
              <li key={i} className="flex items-start gap-2 rounded-md border border-[var(--border)] p-2">
                <p className="flex-1">{reply}</p>
                <Button size="sm" variant="ghost" aria-label="Copy reply" onClick={() => void navigator.clipboard?.writeText(reply)}>
                  <Copy className="size-3.5" />
                </Button>
              </li>
            ))}
          </ul>
        </section>
      )}
      {data.citations.length > 0 && (
        <section>
          <h2 className="text-xs font-semibold uppercase tracking-wide text-[var(--muted)]">Sources used</h2>
          <ul className="mt-1 space-y-1">
            {data.citations.map((c, i) => (
              <li key={i}>
                {c.url ? (
                  <a className="text-brand-600 hover:underline" href={c.url} target="_blank" rel="noreferrer noopener">
                    {c.title}
                  </a>
                ) : (
                  c.title
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
      {data.pending_approvals.length > 0 && (
        <section>
          <h2 className="text-xs font-semibold uppercase tracking-wide text-[var(--muted)]">Pending approvals</h2>
          <ul className="mt-1 space-y-1">
            {data.pending_approvals.map((a) => (
              <li key={a.id}>
                <a className="text-brand-600 hover:underline" href="/approvals" target="_blank" rel="noreferrer">
                  {a.summary}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      {!data.handoff && data.suggested_replies.length === 0 && data.citations.length === 0 && (
        <p className="text-[var(--muted)]">The assistant has nothing to add for this conversation yet.</p>
      )}
    </div>
  );
}
