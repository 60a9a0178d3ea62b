import type { InteractiveContent } from '@atrium/connectors/chatwoot';
import type { Citation, HandoffReason, StoredHandoff } from './chatwoot.schema';

/**
 * Turns pipeline output into Chatwoot messages. Chatwoot renders Markdown links in the widget and most
 * channels, so citations become a numbered "Sources" list of links; quick replies become `input_select`
 * items (README §2: keys `title`, `value` only; WhatsApp shows ≤ 3 as buttons, more as a list).
 */
const MAX_CONTENT = 150_000; // Chatwoot's message limit (README §7)
const MAX_QUICK_REPLIES = 10;
const MAX_TITLE = 80;

const escapeLinkText = (s: string) =>
  s
    .replace(/([[\]])/g, '\\$1')
    .replace(/\s+/g, ' ')
    .trim();

export function uniqueCitations(citations: readonly Citation[]): Citation[] {
  const seen = new Set<string>();
  return citations.filter((c) => {
    const key = c.url ?? c.title;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function renderSources(citations: readonly Citation[]): string {
  const list = uniqueCitations(citations);
  if (!list.length) return '';
  // numbered like the answer's [n] markers when the pipeline gave them, else in order
  const lines = list.map((c, i) => `${c.index ?? i + 1}. ${c.url ? `[${escapeLinkText(c.title)}](${c.url})` : escapeLinkText(c.title)}`);
  return `\n\nSources:\n${lines.join('\n')}`;
}

export function renderAnswer(
  text: string,
  citations: readonly Citation[],
  quickReplies: readonly string[] = [],
): { content: string; interactive?: InteractiveContent } {
  const content = `${text.trim()}${renderSources(citations)}`.slice(0, MAX_CONTENT);
  const titles = [...new Set(quickReplies.map((q) => q.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE)).filter(Boolean))].slice(0, MAX_QUICK_REPLIES);
  if (!titles.length) return { content };
  return { content, interactive: { type: 'input_select', items: titles.map((title) => ({ title, value: title })) } };
}

const REASON_TEXT: Record<HandoffReason, string> = {
  customer_request: 'The customer asked for a person.',
  topic_policy: 'The topic must be handled by a person (topic policy).',
  safety: 'A safety rule stopped the automated answer.',
  no_answer: 'The knowledge base had no good enough answer.',
  tool_approval: 'An action needs approval by a person.',
  pipeline_failure: 'The assistant failed to produce an answer.',
  delivery_failure: 'The answer could not be delivered to Chatwoot.',
};

export const reasonText = (reason: HandoffReason) => REASON_TEXT[reason];

/** The private note for the agent: why, what the customer wants, what was tried, what was found. */
export function renderHandoffNote(handoff: StoredHandoff): string {
  const parts = [
    '**Atrium handed this conversation to you.**',
    `**Reason:** ${REASON_TEXT[handoff.reason]}${handoff.detail ? ` (${handoff.detail})` : ''}`,
    `**Summary:** ${handoff.summary}`,
  ];
  if (handoff.tried.length) parts.push(`**What was tried:**\n${handoff.tried.map((t) => `- ${t}`).join('\n')}`);
  const sources = renderSources(handoff.citations).trim();
  if (sources) parts.push(sources.replace(/^Sources:/, '**Sources found:**'));
  if (handoff.suggested_replies.length) parts.push(`**Suggested reply:**\n${handoff.suggested_replies[0]}`);
  return parts.join('\n\n').slice(0, MAX_CONTENT);
}

export const DEFAULT_HANDOFF_NOTICE = "I'm passing this conversation to a member of our team. They will reply here shortly.";
