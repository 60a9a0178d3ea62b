'use client';
import { useRef, useState } from 'react';
import { Send, Sparkles, Square } from 'lucide-react';
import { streamChat } from '@/lib/api/chat-stream';
import type { Citation } from '@/lib/api/schemas';
import { Badge, Button, Card, CardHeader, Textarea } from '@/components/ui/primitives';
import { EmptyState } from '@/components/ui/states';
import { CitationList } from './citations';

interface Turn {
  role: 'user' | 'assistant';
  content: string;
  citations: Citation[];
  notes: string[];
  error?: string;
}

/** Talks to the same chat engine customers reach, streaming tokens, citations, tool calls and safety decisions. */
export function ChatView() {
  const [turns, setTurns] = useState<Turn[]>([]);
  const [draft, setDraft] = useState('');
  const [conversationId, setConversationId] = useState<string | undefined>();
  const [streaming, setStreaming] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const bottom = useRef<HTMLDivElement>(null);

  const updateLast = (fn: (t: Turn) => Turn) => setTurns((prev) => [...prev.slice(0, -1), fn(prev[prev.length - 1]!)]);
  const send = async () => {
    const text = draft.trim();
    if (!text || streaming) return;
    const history = [...turns.filter((t) => !t.error).map((t) => ({ role: t.role, content: t.content })), { role: 'user', content: text }];
    setTurns((prev) => [...prev, { role: 'user', content: text, citations: [], notes: [] }, { role: 'assistant', content: '', citations: [], notes: [] }]);
    setDraft('');
    setStreaming(true);
    abort.current = new AbortController();
    try {
      await streamChat(
        { messages: conversationId ? [{ role: 'user', content: text }] : history, conversation_id: conversationId },
        (event) => {
          if (event.kind === 'delta') updateLast((t) => ({ ...t, content: t.content + event.text }));
          else if (event.kind === 'citation') updateLast((t) => ({ ...t, citations: [...t.citations, event.citation] }));
          else if (event.kind === 'conversation') setConversationId(event.id);
          else if (event.kind === 'tool_call') updateLast((t) => ({ ...t, notes: [...t.notes, `Calling tool ${event.name}`] }));
          else if (event.kind === 'tool_result') updateLast((t) => ({ ...t, notes: [...t.notes, `Tool ${event.name}: ${event.status}`] }));
          else if (event.kind === 'safety')
            updateLast((t) => ({
              ...t,
              notes: [...t.notes, `Safety: ${String(event.flag.type ?? event.flag.kind ?? 'flag')} → ${String(event.flag.action ?? 'noted')}`],
            }));
          bottom.current?.scrollIntoView({ block: 'end' });
        },
        abort.current.signal,
      );
    } catch (e) {
      if ((e as Error).name !== 'AbortError') {
        const status = (e as { status?: number }).status;
        updateLast((t) => ({ ...t, error: status === 404 ? 'The chat API is not available on this server yet.' : (e as Error).message }));
      }
    } finally {
      setStreaming(false);
    }
  };
  return (
    <Card className="flex h-[calc(100vh-11rem)] min-h-[28rem] flex-col">
      <CardHeader
        title="Playground"
        description="Answers use this tenant's configuration, knowledge and tools, exactly as customers get them."
        actions={
          <div className="flex items-center gap-2">
            {conversationId && <Badge>conversation {conversationId.slice(0, 8)}</Badge>}
            <Button variant="ghost" size="sm" onClick={() => (setTurns([]), setConversationId(undefined))} disabled={streaming}>
              New chat
            </Button>
          </div>
        }
      />
      <div className="flex-1 space-y-4 overflow-auto p-4" aria-live="polite" data-testid="chat-transcript">
        {turns.length === 0 && (
          <EmptyState icon={<Sparkles className="size-6" />} title="Ask what your customers ask">
            Try a question your documents answer; the reply cites its sources.
          </EmptyState>
        )}
        {turns.map((t, i) => (
          <div key={i} className={t.role === 'user' ? 'ml-auto max-w-[80%]' : 'max-w-[90%]'}>
            <div
              className={
                t.role === 'user'
                  ? 'rounded-2xl rounded-br-sm bg-brand-600 px-4 py-2 text-sm text-white'
                  : 'rounded-2xl rounded-bl-sm border border-[var(--border)] px-4 py-2 text-sm'
              }
            >
              {t.content ? (
                <p className="whitespace-pre-wrap">{t.content}</p>
              ) : (
                !t.error && <span className="animate-pulse text-[var(--muted)]">Thinking…</span>
              )}
              {t.error && (
                <p role="alert" className="text-rose-600">
                  {t.error}
                </p>
              )}
            </div>
            {t.notes.map((n, j) => (
              <p key={j} className="mt-1 text-xs text-[var(--muted)]">
                {n}
              </p>
            ))}
            <CitationList citations={t.citations} />
          </div>
        ))}
        <div ref={bottom} />
      </div>
      <form
        className="flex items-end gap-2 border-t border-[var(--border)] p-3"
        onSubmit={(e) => {
          e.preventDefault();
          void send();
        }}
      >
        <Textarea
          rows={2}
          value={draft}
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              void send();
            }
          }}
          placeholder="Message (Enter to send, Shift+Enter for a new line)"
          aria-label="Message"
          className="resize-none font-sans"
        />
        {streaming ? (
          <Button variant="secondary" onClick={() => abort.current?.abort()} aria-label="Stop">
            <Square className="size-4" />
          </Button>
        ) : (
          <Button type="submit" disabled={!draft.trim()} aria-label="Send">
            <Send className="size-4" />
          </Button>
        )}
      </form>
    </Card>
  );
}
