import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { toAppError } from '../../platform/http/errors';
import { atriumFields, openAiFinishReason } from './chat.presenter';
import type { TurnEvent } from './turn/types';

/**
 * Writes a turn as OpenAI's SSE stream: `chat.completion.chunk` objects, `data: [DONE]` at the end.
 * Atrium's extra events (citation, tool_call, tool_result, safety, done) are named SSE events whose
 * data is still a valid chunk with empty `choices` plus an `atrium` field, because the OpenAI SDKs
 * yield named events as chunks too: a client that knows nothing of them skips them unharmed.
 */
export async function writeCompletionStream(
  res: Response,
  events: AsyncGenerator<TurnEvent>,
  options: { model: string; includeUsage: boolean; onClientGone: () => void },
) {
  // The first event comes before any header, so a refusal (404, 400, …) is still a normal JSON error.
  const first = await events.next();
  const id = `chatcmpl-${randomUUID()}`;
  const created = Math.floor(Date.now() / 1000);
  const base = { id, object: 'chat.completion.chunk' as const, created, model: options.model };
  res.on('close', () => {
    if (!res.writableFinished) options.onClientGone();
  });
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  // Frames written in one burst (a model's deltas often arrive several to a packet) leave in one socket
  // write: corked until the current tick's work is done. Except the first text: a tick can be long (an answer
  // that arrived in one packet is guarded and framed to its end within it, ~10 ms measured), and the first
  // token is what the reader waits for, so it leaves at once with whatever was corked before it.
  let textSent = false;
  const write = (frame: string, flush = false) => {
    if (res.destroyed || res.writableEnded) return;
    if (!res.writableCorked && !flush) {
      res.cork();
      process.nextTick(() => res.uncork());
    }
    res.write(frame);
    while (flush && res.writableCorked) res.uncork();
  };
  const chunk = (delta: object, finish: string | null = null, extra: object = {}, flush = false) =>
    write(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...extra })}\n\n`, flush);
  const named = (type: string, extra: object) => write(`event: ${type}\ndata: ${JSON.stringify({ ...base, choices: [], ...extra })}\n\n`);

  try {
    for (let next = first; !next.done; next = await events.next()) {
      const event = next.value;
      switch (event.type) {
        case 'conversation':
          chunk({ role: 'assistant', content: '' }, null, { conversation_id: event.conversationId });
          break;
        case 'delta':
          chunk({ content: event.text }, null, {}, !textSent);
          textSent = true;
          break;
        case 'citation':
          named('citation', { atrium: { type: 'citation', citation: event.citation } });
          break;
        case 'tool_call':
          named('tool_call', { atrium: { type: 'tool_call', call: event.call } });
          break;
        case 'tool_result':
          named('tool_result', { atrium: { type: 'tool_result', result: event.result } });
          break;
        case 'safety':
          named('safety', { atrium: { type: 'safety', flag: event.flag } });
          break;
        case 'done': {
          const { result } = event;
          const usage = { prompt_tokens: result.usage.inputTokens, completion_tokens: result.usage.outputTokens, total_tokens: result.usage.totalTokens };
          chunk({}, openAiFinishReason(result), { conversation_id: result.conversationId });
          if (options.includeUsage) write(`data: ${JSON.stringify({ ...base, choices: [], usage })}\n\n`);
          named('done', { usage, conversation_id: result.conversationId, citations: result.citations, atrium: { type: 'done', ...atriumFields(result) } });
          break;
        }
      }
    }
    write('data: [DONE]\n\n');
  } catch (error) {
    // Headers are gone: the error travels in-band, the way OpenAI's SDKs expect ({ error } in a data line).
    const appError = toAppError(error);
    if (appError.status >= 500) res.req.ctx?.log.error({ err: error }, 'chat stream failed');
    write(`data: ${JSON.stringify({ error: { code: appError.code, message: appError.message, type: 'atrium_error' } })}\n\n`);
  } finally {
    res.end();
  }
}
