import { submittedValues, type MessageEvent } from '@atrium/connectors/chatwoot';

/**
 * A quick-reply tap or form submission in the web widget as the customer's turn. Chatwoot does not create an incoming
 * message for it: it updates the bot's own interactive message (`message_updated` with `submitted_values`, or
 * `submitted_email` for `input_email`, README §2),
 * and repeats that payload on every later update of the message (delivered, read, …). So the turn is keyed on the
 * interactive message: mirrored under the id `-<message id>`, it is recorded once however often the update arrives,
 * and can never collide with a real Chatwoot message id (always positive).
 */
const INTERACTIVE = new Set(['input_select', 'form', 'input_email']);

export interface Submission {
  /** the mirror id of the submission: minus the interactive message's id */
  id: number;
  /** what the customer chose, as words the model and the agents read */
  content: string;
}

function formLabels(m: MessageEvent): Map<string, string> {
  const items = m.content_attributes?.items;
  const labels = new Map<string, string>();
  if (!Array.isArray(items)) return labels;
  for (const item of items as Array<Record<string, unknown>>) {
    if (typeof item?.name === 'string') labels.set(item.name, typeof item.label === 'string' && item.label ? item.label : item.name);
  }
  return labels;
}

export function submissionOf(m: MessageEvent): Submission | null {
  if (m.event !== 'message_updated' || m.message_type !== 'outgoing' || m.private || !INTERACTIVE.has(m.content_type ?? '')) return null;
  if (m.content_type === 'input_email') {
    // README §2: the address arrives as `submitted_email` (Chatwoot also sets it on the contact)
    const email = m.content_attributes?.submitted_email;
    return typeof email === 'string' && email.trim() ? { id: -m.id, content: `My email address is ${email.trim()}` } : null;
  }
  const values = submittedValues(m);
  if (!values.length) return null;
  if (m.content_type === 'input_select') {
    // the title is what the customer saw and tapped; the value is only the bot's own token for it
    return { id: -m.id, content: values.map((v) => v.title || v.value).join(', ') };
  }
  const labels = formLabels(m);
  const lines = values.map((v) => `${(v.name && labels.get(v.name)) || v.name || v.title || 'answer'}: ${v.value ?? ''}`);
  return { id: -m.id, content: lines.join('\n') };
}
