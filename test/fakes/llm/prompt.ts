import type { FakeApi } from './script';

/** The text a request carries, read from either wire format: what the fake model "sees". */
export interface Prompt {
  texts: string[];
  lastUserMessage: string;
}

type Part = { type?: string; text?: string; content?: unknown };

/** Content is a string, or an array of parts (OpenAI text parts; Anthropic text and tool_result blocks). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return (content as Part[])
    .map((part) => (part.type === 'text' ? (part.text ?? '') : part.type === 'tool_result' ? textOf(part.content) : ''))
    .filter(Boolean)
    .join('\n');
}

function hasUserText(content: unknown): boolean {
  return typeof content === 'string' || (Array.isArray(content) && (content as Part[]).some((part) => part.type === 'text'));
}

export function readPrompt(api: FakeApi, body: Record<string, unknown>): Prompt {
  if (api === 'openai-embeddings') {
    const input = Array.isArray(body.input) ? body.input.map(String) : [String(body.input ?? '')];
    return { texts: input, lastUserMessage: input.at(-1) ?? '' };
  }
  const messages = (Array.isArray(body.messages) ? body.messages : []) as { role?: string; content?: unknown }[];
  const texts: string[] = [];
  if (api === 'anthropic-messages' && body.system !== undefined) texts.push(textOf(body.system));
  for (const message of messages) texts.push(textOf(message.content));
  // Anthropic sends tool results as user turns; the question is the last user turn that has text.
  const lastUser = [...messages].reverse().find((message) => message.role === 'user' && hasUserText(message.content));
  return { texts: texts.filter(Boolean), lastUserMessage: lastUser ? textOf(lastUser.content) : '' };
}
