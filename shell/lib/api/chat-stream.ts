'use client';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { citationSchema, type Citation } from './schemas';
import { apiHeaders, apiUrl } from './client';

/** Everything a streamed answer can carry, folded from OpenAI-format chunks plus Atrium's named events. */
export type ChatStreamEvent =
  | { kind: 'delta'; text: string }
  | { kind: 'citation'; citation: Citation }
  | { kind: 'tool_call'; name: string; arguments: string }
  | { kind: 'tool_result'; name: string; status: string; content: string }
  | { kind: 'safety'; flag: Record<string, unknown> }
  | { kind: 'conversation'; id: string }
  | { kind: 'done'; usage?: Record<string, unknown> };

const asRecord = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

function toEvents(message: EventSourceMessage): ChatStreamEvent[] {
  if (message.data === '[DONE]') return [{ kind: 'done' }];
  let raw: Record<string, unknown>;
  try {
    raw = asRecord(JSON.parse(message.data));
  } catch {
    return [];
  }
  // Named events carry their payload under `atrium` (chat/completion-stream.ts); plain chunks are OpenAI's shape.
  const data = message.event && raw.atrium ? { ...raw, ...asRecord(raw.atrium) } : raw;
  switch (message.event) {
    case 'citation': {
      const parsed = citationSchema.safeParse(data.citation ?? data);
      return parsed.success ? [{ kind: 'citation', citation: parsed.data }] : [];
    }
    case 'tool_call': {
      const call = asRecord(data.call ?? data);
      return [{ kind: 'tool_call', name: String(call.name ?? 'tool'), arguments: String(call.arguments ?? '') }];
    }
    case 'tool_result': {
      const r = asRecord(data.result ?? data);
      return [{ kind: 'tool_result', name: String(r.name ?? 'tool'), status: String(r.status ?? ''), content: String(r.content ?? '') }];
    }
    case 'safety':
      return [{ kind: 'safety', flag: asRecord(data.flag ?? data) }];
    case 'done':
      return [{ kind: 'done', usage: asRecord(data.usage ?? asRecord(data.result).usage) }];
    default: {
      // An OpenAI chat.completion.chunk (no event name).
      const out: ChatStreamEvent[] = [];
      if (typeof data.conversation_id === 'string') out.push({ kind: 'conversation', id: data.conversation_id });
      const choice = asRecord((data.choices as unknown[] | undefined)?.[0]);
      const content = asRecord(choice.delta).content;
      if (typeof content === 'string' && content) out.push({ kind: 'delta', text: content });
      if (data.usage) out.push({ kind: 'done', usage: asRecord(data.usage) });
      return out;
    }
  }
}

/** POST /v1/chat/completions with stream: true; calls onEvent for each event until the stream ends or is aborted. */
export async function streamChat(
  body: { messages: { role: string; content: string }[]; conversation_id?: string },
  onEvent: (event: ChatStreamEvent) => void,
  signal?: AbortSignal,
): Promise<void> {
  const response = await fetch(apiUrl('/v1/chat/completions'), {
    method: 'POST',
    headers: apiHeaders({ 'content-type': 'application/json', accept: 'text/event-stream' }),
    body: JSON.stringify({ ...body, model: 'atrium', stream: true }),
    signal,
  });
  if (!response.ok || !response.body) {
    const error = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
    throw Object.assign(new Error(error?.error?.message ?? `Chat failed (${response.status})`), { status: response.status, code: error?.error?.code });
  }
  const parser = createParser({ onEvent: (message) => toEvents(message).forEach(onEvent) });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parser.feed(value);
  }
}
