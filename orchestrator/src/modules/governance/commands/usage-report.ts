import type { Queryable } from '../../../platform/db';

export interface UsageWindow {
  from: Date;
  to: Date;
  channel?: string;
}

/*
 * Messages in the window, each attributed to a model: its own (assistant turns) or, for customer/agent messages,
 * the first model that answered in the conversation, so a conversation's traffic lands in one model row.
 */
const ATTRIBUTED = `
  WITH scoped AS (
    SELECT m.conversation_id, m.role, m.prompt_tokens, m.completion_tokens, m.cost_usd, m.latency_ms,
           to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, c.channel, c.status, c.owner,
           coalesce(m.model, (SELECT x.model FROM messages x WHERE x.tenant_id = m.tenant_id AND x.conversation_id = m.conversation_id
                                AND x.model IS NOT NULL ORDER BY x.created_at LIMIT 1), 'none') AS model
      FROM messages m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
     WHERE m.tenant_id = $1 AND m.created_at >= $2 AND m.created_at < $3 AND ($4::text IS NULL OR c.channel = $4)
  )`;

const MEASURES = `
  count(DISTINCT conversation_id)::int AS conversations,
  count(*)::int AS messages,
  coalesce(sum(prompt_tokens), 0)::int AS prompt_tokens,
  coalesce(sum(completion_tokens), 0)::int AS completion_tokens,
  coalesce(sum(cost_usd), 0)::float8 AS cost_usd,
  count(DISTINCT conversation_id) FILTER (WHERE owner = 'human' OR status = 'escalated')::int AS handed_off,
  count(DISTINCT conversation_id) FILTER (WHERE owner = 'bot' AND status IN ('resolved', 'closed'))::int AS resolved,
  avg(latency_ms) FILTER (WHERE role = 'assistant' AND latency_ms IS NOT NULL)::float8 AS avg_latency_ms`;

interface MeasureRow {
  conversations: number;
  messages: number;
  prompt_tokens: number;
  completion_tokens: number;
  cost_usd: number;
  handed_off: number;
  resolved: number;
  avg_latency_ms: number | null;
}

const round = (n: number, digits: number) => Math.round(n * 10 ** digits) / 10 ** digits;

/** Rates are shares of the conversations in the row (handoff: went to a human; resolution: bot closed it alone). */
function present({ handed_off, resolved, ...m }: MeasureRow) {
  return {
    ...m,
    cost_usd: round(m.cost_usd, 6),
    handoff_rate: m.conversations ? round(handed_off / m.conversations, 4) : 0,
    resolution_rate: m.conversations ? round(resolved / m.conversations, 4) : 0,
    avg_latency_ms: m.avg_latency_ms === null ? null : Math.round(m.avg_latency_ms),
  };
}

/** Usage and cost per day, channel and model, plus window totals (a conversation spanning days counts once). */
export async function usageReport(q: Queryable, tenantId: string, w: UsageWindow) {
  const params = [tenantId, w.from, w.to, w.channel ?? null];
  const rows = await q.query<MeasureRow & { day: string; channel: string; model: string }>(
    `${ATTRIBUTED} SELECT day, channel, model, ${MEASURES} FROM scoped GROUP BY day, channel, model ORDER BY day, channel, model`,
    params,
  );
  const totals = await q.query<MeasureRow>(`${ATTRIBUTED} SELECT ${MEASURES} FROM scoped`, params);
  return {
    from: w.from.toISOString(),
    to: w.to.toISOString(),
    rows: rows.rows.map(({ day, channel, model, ...m }) => ({
      day,
      channel,
      model,
      ...present(m),
    })),
    totals: present(totals.rows[0]!),
  };
}
