import { outboundRequest, OutboundError } from '../http';
import { signToolCall } from './signature';

/**
 * Calls a tool workflow through its production webhook (`/webhook/<path>`; contracts/n8n.md §4.3), signed,
 * with a timeout. n8n has no "run workflow" endpoint, so webhooks are the only way in.
 */
export type N8nCallErrorCode =
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  /** 404: no active workflow listens on that path */
  | 'WORKFLOW_NOT_FOUND'
  /** 5xx: a node threw ("Error in workflow") */
  | 'WORKFLOW_FAILED'
  /** other 4xx: the workflow refused the call (e.g. bad signature, invalid input) */
  | 'WORKFLOW_REJECTED'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'BLOCKED_DESTINATION';

export class N8nCallError extends Error {
  constructor(
    readonly code: N8nCallErrorCode,
    message: string,
    readonly upstreamStatus?: number,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'N8nCallError';
  }
}

export const WEBHOOK_PATH = /^[A-Za-z0-9][A-Za-z0-9_\-/]{0,199}$/;

export interface WebhookCall {
  /** n8n base URL, e.g. http://127.0.0.1:5679 */
  baseUrl: string;
  /** Webhook path as set in the Webhook node, e.g. `tool/lookup-order` */
  path: string;
  body: unknown;
  secret?: string;
  timeoutMs: number;
  /** n8n usually sits on the internal network; platform-configured base URLs are trusted. */
  allowPrivateNetworks?: boolean;
  headers?: Record<string, string>;
}

export interface WebhookResult {
  status: number;
  /** The workflow's JSON answer (or `{ text }` when it answered with plain text). */
  data: unknown;
  latencyMs: number;
}

export async function callN8nWebhook(call: WebhookCall): Promise<WebhookResult> {
  if (!WEBHOOK_PATH.test(call.path) || call.path.includes('..')) throw new N8nCallError('WORKFLOW_NOT_FOUND', `"${call.path}" is not a valid webhook path`);
  const body = JSON.stringify(call.body ?? {});
  const url = `${call.baseUrl.replace(/\/$/, '')}/webhook/${call.path}`;
  let response;
  try {
    response = await outboundRequest({
      url,
      method: 'POST',
      body,
      timeoutMs: call.timeoutMs,
      allowPrivateNetworks: call.allowPrivateNetworks ?? true,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(call.secret ? signToolCall(call.secret, body) : {}), ...call.headers },
    });
  } catch (e) {
    if (e instanceof OutboundError) {
      const code = e.code === 'INVALID_URL' ? 'UPSTREAM_UNAVAILABLE' : e.code;
      throw new N8nCallError(code, e.code === 'UPSTREAM_TIMEOUT' ? `the workflow did not answer within ${call.timeoutMs} ms` : e.message, undefined, {
        cause: e,
      });
    }
    throw e;
  }
  const data = parseBody(response.text);
  if (response.status === 404) throw new N8nCallError('WORKFLOW_NOT_FOUND', `no active n8n workflow listens on "${call.path}"`, 404);
  if (response.status >= 500)
    throw new N8nCallError('WORKFLOW_FAILED', `the workflow failed (${upstreamMessage(data) ?? `HTTP ${response.status}`})`, response.status);
  if (response.status >= 400)
    throw new N8nCallError('WORKFLOW_REJECTED', `the workflow refused the call (${upstreamMessage(data) ?? `HTTP ${response.status}`})`, response.status);
  return { status: response.status, data, latencyMs: response.latencyMs };
}

function parseBody(text: string): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

const upstreamMessage = (data: unknown): string | undefined => {
  const m = (data as { message?: unknown })?.message;
  return typeof m === 'string' ? m.slice(0, 300) : undefined;
};
