'use client';
import { useState } from 'react';
import { Play, Wrench } from 'lucide-react';
import { apiCall, useApi } from '@/lib/api/client';
import { listOf, toolOutcomeSchema, toolSchema } from '@/lib/api/schemas';
import { Badge, Button, Card, CardHeader, Textarea, type Tone } from '@/components/ui/primitives';
import { ApiErrorState, EmptyState, LoadingRows } from '@/components/ui/states';
import { z } from 'zod';

const RISK_TONE: Record<string, Tone> = { read: 'success', low: 'info', high: 'warning', critical: 'danger' };
type Tool = z.infer<typeof toolSchema>;

/** Example input from the tool's JSON Schema, so a test run starts from something valid-looking. */
function exampleInput(schema: Record<string, unknown> | undefined): string {
  const props = (schema?.properties ?? {}) as Record<string, { type?: string; example?: unknown }>;
  const example = Object.fromEntries(
    Object.entries(props).map(([key, p]) => [key, p.example ?? (p.type === 'number' || p.type === 'integer' ? 0 : p.type === 'boolean' ? false : '')]),
  );
  return JSON.stringify(example, null, 2);
}

export function ToolsView() {
  const list = useApi(listOf(toolSchema), '/v1/tools');
  const [selected, setSelected] = useState<Tool | null>(null);
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.2fr)]">
      <Card>
        <CardHeader title="Registry" description="Workflows the assistant may call, with their risk tier." />
        {list.error ? (
          <ApiErrorState error={list.error} what="Tools" />
        ) : list.isLoading ? (
          <LoadingRows />
        ) : list.data!.items.length === 0 ? (
          <EmptyState icon={<Wrench className="size-6" />} title="No tools registered">
            Register n8n workflows or HTTP endpoints through the API; they appear here.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-[var(--border)]" data-testid="tool-list">
            {list.data!.items.map((t) => (
              <li key={t.id}>
                <button
                  type="button"
                  onClick={() => setSelected(t)}
                  aria-current={selected?.id === t.id}
                  className="flex w-full items-center gap-3 px-4 py-3 text-left hover:bg-slate-50 dark:hover:bg-slate-800/50"
                >
                  <div className="min-w-0 flex-1">
                    <p className="font-mono text-sm">{t.name}</p>
                    <p className="truncate text-xs text-[var(--muted)]">{t.description}</p>
                  </div>
                  {t.needs_approval && <Badge tone="warning">approval</Badge>}
                  {t.risk && <Badge tone={RISK_TONE[t.risk] ?? 'neutral'}>{t.risk}</Badge>}
                  {t.enabled === false && <Badge>disabled</Badge>}
                </button>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {selected ? (
        <ToolTester key={selected.id} tool={selected} />
      ) : (
        <Card>
          <EmptyState title="Select a tool">Its input schema and a test run appear here.</EmptyState>
        </Card>
      )}
    </div>
  );
}

/** The API says per tool whether this caller may run it (tools:execute and the tool's own allowed roles/groups). */
function ToolTester({ tool }: { tool: Tool }) {
  const [input, setInput] = useState(() => exampleInput(tool.input_schema));
  const [outcome, setOutcome] = useState<z.infer<typeof toolOutcomeSchema> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      setOutcome(await apiCall(toolOutcomeSchema, `/v1/tools/${tool.id}/test`, { method: 'POST', body: { input: JSON.parse(input) } }));
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <CardHeader title={<span className="font-mono">{tool.name}</span>} description={`${tool.binding?.kind ?? 'binding'} · ${tool.risk ?? 'risk unknown'}`} />
      <div className="space-y-3 p-4">
        <details>
          <summary className="cursor-pointer text-xs text-[var(--muted)]">Input schema</summary>
          <pre className="mt-2 max-h-48 overflow-auto rounded-md bg-slate-50 p-3 text-xs dark:bg-slate-900">
            {JSON.stringify(tool.input_schema ?? {}, null, 2)}
          </pre>
        </details>
        {tool.abilities.includes('test') ? (
          <>
            <Textarea rows={8} value={input} onChange={(e) => setInput(e.target.value)} aria-label="Test input (JSON)" className="text-xs" />
            <Button onClick={run} disabled={busy}>
              <Play className="size-4" /> {busy ? 'Running…' : 'Test run'}
            </Button>
          </>
        ) : (
          <p className="text-sm text-[var(--muted)]">
            {tool.enabled === false ? 'This tool is disabled.' : 'Your roles and groups do not allow running this tool.'}
          </p>
        )}
        {error && (
          <p role="alert" className="text-sm text-rose-600">
            {error}
          </p>
        )}
        {outcome && (
          <div className="space-y-1 text-sm" data-testid="tool-outcome">
            <p>
              <Badge tone={outcome.status === 'succeeded' ? 'success' : outcome.status === 'pending_approval' ? 'warning' : 'danger'}>{outcome.status}</Badge>
              {outcome.latency_ms != null && <span className="ml-2 text-xs text-[var(--muted)]">{outcome.latency_ms} ms</span>}
            </p>
            {outcome.error && <p className="text-rose-600">{outcome.error.message}</p>}
            {outcome.approval_id && <p>Waiting for approval — see Approvals.</p>}
            {outcome.output !== undefined && (
              <pre className="max-h-64 overflow-auto rounded-md bg-slate-50 p-3 text-xs dark:bg-slate-900">{JSON.stringify(outcome.output, null, 2)}</pre>
            )}
          </div>
        )}
      </div>
    </Card>
  );
}
