import { countTokens } from './default-answer';
import type { FakeUsage } from './script';

/**
 * Response bodies and SSE frames exactly as OpenAI Chat Completions and Anthropic Messages send
 * them (field names, event order, the [DONE] sentinel), so the official SDKs parse them unchanged.
 */

export interface Answer {
  text: string;
  calls: { id: string; name: string; arguments: string }[];
  finishReason: 'stop' | 'length' | 'tool_calls';
  usage?: FakeUsage;
  /** Stream deltas of this many characters instead of one word each. */
  chunkChars?: number;
}

export interface AnswerContext {
  id: string;
  model: string;
  inputTokens: number;
}

function tokens(answer: Answer, context: AnswerContext) {
  const output = answer.usage?.output ?? countTokens(answer.text + answer.calls.map((call) => call.name + call.arguments).join(''));
  return { input: answer.usage?.input ?? context.inputTokens, output };
}

/** Words with their trailing space: small, deterministic chunks (or fixed-size pieces that cut through words). */
export function chunkText(text: string, chars?: number): string[] {
  if (chars) return Array.from({ length: Math.ceil(text.length / chars) }, (_, i) => text.slice(i * chars, (i + 1) * chars));
  return text.match(/\S+\s*|\s+/g) ?? [];
}

function halves(text: string): string[] {
  if (text.length < 2) return [text];
  const middle = Math.ceil(text.length / 2);
  return [text.slice(0, middle), text.slice(middle)];
}

export const openAiWire = {
  completion(answer: Answer, context: AnswerContext) {
    const used = tokens(answer, context);
    return {
      id: context.id,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: context.model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: answer.calls.length && !answer.text ? null : answer.text,
            refusal: null,
            ...(answer.calls.length
              ? { tool_calls: answer.calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })) }
              : {}),
          },
          logprobs: null,
          finish_reason: answer.finishReason,
        },
      ],
      usage: { prompt_tokens: used.input, completion_tokens: used.output, total_tokens: used.input + used.output },
    };
  },

  frames(answer: Answer, context: AnswerContext, includeUsage: boolean): string[] {
    const base = { id: context.id, object: 'chat.completion.chunk', created: Math.floor(Date.now() / 1000), model: context.model };
    const usageField = includeUsage ? { usage: null } : {};
    const chunk = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }], ...usageField })}\n\n`;
    const frames = [chunk({ role: 'assistant', content: '' })];
    for (const piece of chunkText(answer.text, answer.chunkChars)) frames.push(chunk({ content: piece }));
    answer.calls.forEach((call, index) => {
      frames.push(chunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
      for (const piece of halves(call.arguments)) frames.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    });
    frames.push(chunk({}, answer.finishReason));
    if (includeUsage) {
      const used = tokens(answer, context);
      frames.push(
        `data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: used.input, completion_tokens: used.output, total_tokens: used.input + used.output } })}\n\n`,
      );
    }
    frames.push('data: [DONE]\n\n');
    return frames;
  },

  error(status: number, message: string) {
    const type = status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
    return { error: { message, type, param: null, code: type } };
  },
};

const STOP_REASON = { stop: 'end_turn', length: 'max_tokens', tool_calls: 'tool_use' } as const;

export const anthropicWire = {
  message(answer: Answer, context: AnswerContext) {
    const used = tokens(answer, context);
    return {
      id: context.id,
      type: 'message',
      role: 'assistant',
      model: context.model,
      content: [
        ...(answer.text ? [{ type: 'text', text: answer.text }] : []),
        ...answer.calls.map((call) => ({ type: 'tool_use', id: call.id, name: call.name, input: JSON.parse(call.arguments || '{}') })),
      ],
      stop_reason: STOP_REASON[answer.finishReason],
      stop_sequence: null,
      usage: { input_tokens: used.input, output_tokens: used.output },
    };
  },

  frames(answer: Answer, context: AnswerContext): string[] {
    const used = tokens(answer, context);
    const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const frames = [
      event('message_start', {
        message: {
          id: context.id,
          type: 'message',
          role: 'assistant',
          model: context.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: { input_tokens: used.input, output_tokens: 1 },
        },
      }),
      event('ping', {}),
    ];
    let index = 0;
    if (answer.text) {
      frames.push(event('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const piece of chunkText(answer.text, answer.chunkChars))
        frames.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: piece } }));
      frames.push(event('content_block_stop', { index }));
      index += 1;
    }
    for (const call of answer.calls) {
      frames.push(event('content_block_start', { index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } }));
      for (const piece of halves(call.arguments))
        frames.push(event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: piece } }));
      frames.push(event('content_block_stop', { index }));
      index += 1;
    }
    frames.push(
      event('message_delta', { delta: { stop_reason: STOP_REASON[answer.finishReason], stop_sequence: null }, usage: { output_tokens: used.output } }),
    );
    frames.push(event('message_stop', {}));
    return frames;
  },

  error(status: number, message: string) {
    const type = status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return { type: 'error', error: { type, message } };
  },
};
