import { callN8nWebhook, N8nCallError, signToolCall } from '@atrium/connectors/n8n';
import { outboundRequest, OutboundError } from '@atrium/connectors/http';
import type { Services } from '../../platform/services';
import { bindingSchema } from './tools.schema';
import type { ToolRow } from './tools.presenter';

/** Why a call did not produce a result; `status` is what tool_executions records. */
export class ToolRunError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 'failed' | 'timeout' = 'failed',
  ) {
    super(message);
    this.name = 'ToolRunError';
  }
}

export interface CallEnvelope {
  /** The validated arguments. */
  input: Record<string, unknown>;
  /** Who/where, so a workflow can log or route; never secrets or message content. */
  context: { tenant: string; execution_id: string; tool: string; conversation_id: string | null; approval_id: string | null; requested_by: string };
}

/** Runs the tool's binding once (no retries: a refund must not happen twice) and returns its JSON answer. */
export async function runBinding(services: Services, tool: ToolRow, envelope: CallEnvelope): Promise<{ output: unknown; latencyMs: number }> {
  const binding = bindingSchema.parse(tool.binding);
  const { config } = services;
  if (binding.kind === 'n8n') {
    if (!config.N8N_BASE_URL) throw new ToolRunError('TOOL_UNAVAILABLE', 'n8n is not configured on this server (N8N_BASE_URL)');
    try {
      const r = await callN8nWebhook({
        baseUrl: config.N8N_BASE_URL,
        path: binding.path,
        body: envelope,
        secret: config.N8N_WEBHOOK_SECRET,
        timeoutMs: binding.timeout_ms,
      });
      return { output: r.data, latencyMs: r.latencyMs };
    } catch (e) {
      if (e instanceof N8nCallError) throw mapN8nError(e);
      throw e;
    }
  }
  const body = JSON.stringify(envelope);
  const secret = tool.signing_secret_sealed ? services.secrets.decrypt(tool.signing_secret_sealed) : undefined;
  try {
    const r = await outboundRequest({
      url: binding.url,
      method: binding.method,
      body,
      timeoutMs: binding.timeout_ms,
      allowPrivateNetworks: config.OUTBOUND_ALLOW_PRIVATE_NETWORKS,
      headers: { 'content-type': 'application/json', accept: 'application/json', ...(secret ? signToolCall(secret, body) : {}) },
    });
    if (r.status >= 400) throw new ToolRunError(r.status >= 500 ? 'TOOL_FAILED' : 'TOOL_REJECTED', `the endpoint answered HTTP ${r.status}`);
    return { output: parseJson(r.text), latencyMs: r.latencyMs };
  } catch (e) {
    if (e instanceof OutboundError) {
      if (e.code === 'UPSTREAM_TIMEOUT') throw new ToolRunError('TOOL_TIMEOUT', `the tool did not answer within ${binding.timeout_ms} ms`, 'timeout');
      if (e.code === 'BLOCKED_DESTINATION') throw new ToolRunError('BLOCKED_DESTINATION', e.message);
      throw new ToolRunError('TOOL_UNAVAILABLE', e.message);
    }
    throw e;
  }
}

function mapN8nError(e: N8nCallError): ToolRunError {
  switch (e.code) {
    case 'UPSTREAM_TIMEOUT':
      return new ToolRunError('TOOL_TIMEOUT', e.message, 'timeout');
    case 'UPSTREAM_UNAVAILABLE':
    case 'BLOCKED_DESTINATION':
      return new ToolRunError('TOOL_UNAVAILABLE', `n8n is unreachable (${e.message})`);
    case 'WORKFLOW_NOT_FOUND':
      return new ToolRunError('TOOL_UNAVAILABLE', e.message);
    case 'WORKFLOW_REJECTED':
      return new ToolRunError('TOOL_REJECTED', e.message);
    default:
      return new ToolRunError('TOOL_FAILED', e.message);
  }
}

function parseJson(text: string): unknown {
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    return { text: text.slice(0, 20_000) };
  }
}
