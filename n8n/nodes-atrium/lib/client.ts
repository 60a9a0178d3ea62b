/**
 * A small Atrium API client shared by the nodes. Plain fetch (Node ≥ 18 in every n8n 2.x), so the package
 * has no runtime dependencies besides n8n-workflow, which n8n itself provides.
 */
export interface AtriumCredentials {
  baseUrl: string;
  apiKey: string;
  tenant?: string;
}

export class AtriumApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'AtriumApiError';
  }
}

export class AtriumClient {
  constructor(
    private readonly credentials: AtriumCredentials,
    private readonly timeoutMs = 60_000,
  ) {}

  async request<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const { baseUrl, apiKey, tenant } = this.credentials;
    const res = await fetch(`${baseUrl.replace(/\/$/, '')}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${apiKey}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(tenant ? { 'x-tenant-id': tenant } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    const data = text ? JSON.parse(text) : {};
    if (!res.ok) {
      const error = (data as { error?: { code?: string; message?: string } }).error;
      throw new AtriumApiError(res.status, error?.code ?? `HTTP_${res.status}`, error?.message ?? `Atrium answered HTTP ${res.status}`);
    }
    return data as T;
  }

  ask(input: { message: string; conversationId?: string; user?: string }) {
    return this.request<{ id: string; conversation_id?: string; choices: { message: { content: string | null } }[]; citations?: unknown[] }>(
      'POST',
      '/v1/chat/completions',
      {
        model: 'atrium',
        messages: [{ role: 'user', content: input.message }],
        ...(input.conversationId ? { conversation_id: input.conversationId } : {}),
        ...(input.user ? { user: input.user } : {}),
      },
    );
  }

  search(query: string, topK?: number) {
    return this.request<{ results: unknown[] }>('POST', '/v1/knowledge/search', { query, ...(topK ? { top_k: topK } : {}) });
  }

  createApproval(input: { type: string; title: string; details?: string; conversationId?: string }) {
    return this.request<Record<string, unknown>>('POST', '/v1/approvals', {
      type: input.type,
      title: input.title,
      ...(input.details ? { details: input.details } : {}),
      ...(input.conversationId ? { conversation_id: input.conversationId } : {}),
    });
  }

  postMessage(conversationId: string, content: string, role: 'assistant' | 'agent') {
    return this.request<Record<string, unknown>>('POST', `/v1/conversations/${encodeURIComponent(conversationId)}/messages`, { content, role });
  }

  subscribe(url: string, events: string[]) {
    return this.request<{ id: string; secret: string }>('POST', '/v1/admin/webhooks', { url, events, description: 'n8n Atrium Trigger' });
  }

  async unsubscribe(id: string): Promise<void> {
    try {
      await this.request('DELETE', `/v1/admin/webhooks/${encodeURIComponent(id)}`);
    } catch (e) {
      if (!(e instanceof AtriumApiError && e.status === 404)) throw e;
    }
  }

  async isSubscribed(id: string): Promise<boolean> {
    const r = await this.request<{ items: { id: string }[] }>('GET', '/v1/admin/webhooks');
    return r.items.some((e) => e.id === id);
  }
}
