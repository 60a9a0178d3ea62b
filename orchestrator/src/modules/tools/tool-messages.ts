/**
 * What the model is told when a tool did not simply succeed: honest, specific, and phrased so the model can
 * relay it to the customer and knows whether retrying makes sense.
 */
export const humanize = (toolName: string) => {
  const words = toolName.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export const modelMessages = {
  notFound: (name: string) => `There is no tool named "${name}" available. Do not call it again; answer without it.`,
  forStatus(name: string, status: string, error: { code: string; message: string } | null, approvalId: string | null): string {
    switch (status) {
      case 'pending_approval':
        return `"${name}" needs approval from a team member before it runs. Request ${approvalId} was submitted. Tell the customer their request is waiting for review and that they will be told the outcome here. Do not call the tool again.`;
      case 'invalid_input':
        return `The arguments for "${name}" are invalid: ${error?.message}. Correct them (ask the customer for missing details if needed) and call the tool again.`;
      case 'denied':
        return `"${name}" may not be used for this customer. Do not call it again; offer to connect them with a person instead.`;
      case 'rate_limited':
        return `"${name}" is being called too often right now (${error?.message}). Do not retry in this turn; tell the customer to try again shortly or offer a person.`;
      case 'timeout':
        return `"${name}" did not answer in time, so it is unknown whether it completed. Tell the customer honestly that the action could not be confirmed and that a person will check; do not retry.`;
      default:
        return `"${name}" failed (${error?.message ?? 'unknown error'}). Tell the customer honestly that this could not be done right now and offer to connect them with a person.`;
    }
  },
};

/** Told to the customer once an approved action has run; a `message` string from the workflow is passed on. */
export function approvedNotice(title: string, output: unknown): string {
  const message = (output as { message?: unknown } | null)?.message;
  const detail = typeof message === 'string' && message.length <= 500 ? ` ${message}` : '';
  return `Good news — your request (${title}) was approved and has been carried out.${detail}`;
}

/** Longest tool result handed to the model; the full output stays in tool_executions. */
export const MAX_RESULT_CHARS = 8000;

export function resultForModel(output: unknown): string {
  const text = typeof output === 'string' ? output : JSON.stringify(output ?? null);
  return text.length > MAX_RESULT_CHARS ? `${text.slice(0, MAX_RESULT_CHARS)}… [truncated; ${text.length} characters in total]` : text;
}
