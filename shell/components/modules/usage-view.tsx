'use client';
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useApi } from '@/lib/api/client';
import { usageSchema, type Usage } from '@/lib/api/schemas';
import { Card, CardHeader } from '@/components/ui/primitives';
import { BarChart3 } from 'lucide-react';
import { ApiErrorState, EmptyState, LoadingRows } from '@/components/ui/states';

const RANGES = [7, 30, 90] as const;
const pct = (v: number) => `${Math.round(v * 100)}%`;
const usd = new Intl.NumberFormat('en', { style: 'currency', currency: 'USD', maximumFractionDigits: 2 });
const num = new Intl.NumberFormat('en', { notation: 'compact' });

/** Rows come per day × channel × model; charts show per-day sums (rates weighted by conversations). */
function perDay(rows: Usage['rows']) {
  const days = new Map<string, { day: string; conversations: number; messages: number; tokens: number; cost: number; handoffs: number; resolved: number }>();
  for (const r of rows) {
    const d = days.get(r.day) ?? { day: r.day, conversations: 0, messages: 0, tokens: 0, cost: 0, handoffs: 0, resolved: 0 };
    d.conversations += r.conversations;
    d.messages += r.messages;
    d.tokens += r.prompt_tokens + r.completion_tokens;
    d.cost += r.cost_usd;
    d.handoffs += r.handoff_rate * r.conversations;
    d.resolved += r.resolution_rate * r.conversations;
    days.set(r.day, d);
  }
  return [...days.values()]
    .sort((a, b) => a.day.localeCompare(b.day))
    .map((d) => ({
      ...d,
      handoff_rate: d.conversations ? d.handoffs / d.conversations : 0,
      resolution_rate: d.conversations ? d.resolved / d.conversations : 0,
    }));
}

export function UsageView() {
  const [range, setRange] = useState<(typeof RANGES)[number]>(30);
  const from = useMemo(() => new Date(Date.now() - range * 86_400_000).toISOString(), [range]);
  const { data, error, isLoading } = useApi(usageSchema, `/v1/admin/usage?from=${encodeURIComponent(from)}`);
  const days = useMemo(() => perDay(data?.rows ?? []), [data]);
  if (error)
    return (
      <Card>
        <ApiErrorState error={error} what="Usage" />
      </Card>
    );
  if (isLoading || !data) return <LoadingRows rows={6} />;
  const t = data.totals;
  const stats = [
    ['Conversations', num.format(t.conversations)],
    ['Messages', num.format(t.messages)],
    ['Tokens', num.format(t.prompt_tokens + t.completion_tokens)],
    ['Cost', usd.format(t.cost_usd)],
    ['Handoff rate', pct(t.handoff_rate)],
    ['Resolution rate', pct(t.resolution_rate)],
  ] as const;
  return (
    <div className="space-y-4">
      <div className="flex gap-1" role="tablist" aria-label="Range">
        {RANGES.map((r) => (
          <button
            key={r}
            role="tab"
            aria-selected={range === r}
            onClick={() => setRange(r)}
            className={`rounded-md px-3 py-1 text-sm ${range === r ? 'bg-brand-600 text-white' : 'hover:bg-slate-100 dark:hover:bg-slate-800'}`}
          >
            {r} days
          </button>
        ))}
      </div>
      <dl className="grid grid-cols-2 gap-3 md:grid-cols-3 lg:grid-cols-6" data-testid="usage-totals">
        {stats.map(([label, value]) => (
          <Card key={label} className="p-4">
            <dt className="text-xs text-[var(--muted)]">{label}</dt>
            <dd className="mt-1 text-xl font-semibold tabular-nums">{value}</dd>
          </Card>
        ))}
      </dl>
      {days.length === 0 ? (
        <Card>
          <EmptyState icon={<BarChart3 className="size-6" />} title="No usage in this period yet">
            Charts fill in as the assistant answers conversations on any channel.
          </EmptyState>
        </Card>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          <ChartCard title="Conversations and messages per day">
            <BarChart data={days}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="day" tick={{ fontSize: 11 }} />
              <YAxis tick={{ fontSize: 11 }} allowDecimals={false} />
              <Tooltip />
              <Bar dataKey="conversations" fill="#4f6ef7" radius={[3, 3, 0, 0]} />
              <Bar dataKey="messages" fill="#a5b4fc" radius={[3, 3, 0, 0]} />
            </BarChart>
          </ChartCard>
          <ChartCard title="Tokens and cost per day">
            <LineChart data={days}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="day" tick={{ fontSize: 11 }} />
              <YAxis yAxisId="tokens" tick={{ fontSize: 11 }} tickFormatter={(v: number) => num.format(v)} />
              <YAxis yAxisId="cost" orientation="right" tick={{ fontSize: 11 }} tickFormatter={(v: number) => usd.format(v)} />
              <Tooltip />
              <Line yAxisId="tokens" dataKey="tokens" stroke="#4f6ef7" dot={false} />
              <Line yAxisId="cost" dataKey="cost" stroke="#f59e0b" dot={false} />
            </LineChart>
          </ChartCard>
          <ChartCard title="Handoff and resolution rate">
            <LineChart data={days}>
              <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
              <XAxis dataKey="day" tick={{ fontSize: 11 }} />
              <YAxis tick={{ fontSize: 11 }} domain={[0, 1]} tickFormatter={pct} />
              <Tooltip formatter={(v) => pct(Number(v))} />
              <Line dataKey="handoff_rate" name="handoff" stroke="#e11d48" dot={false} />
              <Line dataKey="resolution_rate" name="resolution" stroke="#059669" dot={false} />
            </LineChart>
          </ChartCard>
        </div>
      )}
    </div>
  );
}

function ChartCard({ title, children }: { title: string; children: React.ReactElement }) {
  return (
    <Card>
      <CardHeader title={title} />
      <div className="h-64 p-3">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </Card>
  );
}
