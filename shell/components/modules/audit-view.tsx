'use client';
import { useState } from 'react';
import { Download, ScrollText, ShieldAlert, ShieldCheck } from 'lucide-react';
import { apiHeaders, apiUrl, useApi } from '@/lib/api/client';
import { auditPageSchema, chainVerificationSchema } from '@/lib/api/schemas';
import { Badge, Button, Card, CardHeader, Input, Label } from '@/components/ui/primitives';
import { ApiErrorState, EmptyState, LoadingRows, Time } from '@/components/ui/states';

interface Filters {
  actor: string;
  action: string;
  resource_type: string;
  from: string;
  to: string;
}
const EMPTY: Filters = { actor: '', action: '', resource_type: '', from: '', to: '' };

function toQuery(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.actor) q.set('actor', f.actor);
  if (f.action) q.set('action', f.action);
  if (f.resource_type) q.set('resource_type', f.resource_type);
  if (f.from) q.set('from', new Date(f.from).toISOString());
  if (f.to) q.set('to', new Date(f.to).toISOString());
  return q;
}

export function AuditView({ canVerify }: { canVerify: boolean }) {
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [cursor, setCursor] = useState<string | null>(null);
  const query = toQuery(filters);
  if (cursor) query.set('cursor', cursor);
  query.set('limit', '50');
  const page = useApi(auditPageSchema, `/v1/admin/audit-logs?${query}`);
  return (
    <div className="space-y-4">
      {canVerify && <ChainStatus />}
      <Card>
        <CardHeader
          title="Entries"
          description="Append-only and hash-chained: every change, decision and sign-in, with who and when."
          actions={<ExportButton filters={filters} />}
        />
        <form
          className="grid items-end gap-3 border-b border-[var(--border)] p-4 sm:grid-cols-3 xl:grid-cols-[repeat(5,minmax(0,1fr))_auto]"
          onSubmit={(e) => {
            e.preventDefault();
            setCursor(null);
            setFilters(draft);
          }}
        >
          {(['actor', 'action', 'resource_type'] as const).map((key) => (
            <div key={key}>
              <Label htmlFor={`audit-${key}`}>{key === 'resource_type' ? 'Resource type' : key === 'action' ? 'Action (e.g. tool.*)' : 'Actor'}</Label>
              <Input id={`audit-${key}`} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
            </div>
          ))}
          <div>
            <Label htmlFor="audit-from">From</Label>
            <Input id="audit-from" type="datetime-local" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
          </div>
          <div>
            <Label htmlFor="audit-to">To</Label>
            <Input id="audit-to" type="datetime-local" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
          </div>
          <Button type="submit" variant="secondary">
            Apply
          </Button>
        </form>
        {page.error ? (
          <ApiErrorState error={page.error} what="The audit log" />
        ) : page.isLoading ? (
          <LoadingRows />
        ) : page.data!.items.length === 0 ? (
          <EmptyState icon={<ScrollText className="size-6" />} title="No entries match these filters" />
        ) : (
          <div className="overflow-x-auto">
            <table className="w-full text-sm" data-testid="audit-entries">
              <thead className="text-left text-xs text-[var(--muted)]">
                <tr>
                  <th className="px-4 py-2 font-medium">#</th>
                  <th className="px-4 py-2 font-medium">When</th>
                  <th className="px-4 py-2 font-medium">Actor</th>
                  <th className="px-4 py-2 font-medium">Action</th>
                  <th className="px-4 py-2 font-medium">Resource</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-[var(--border)]">
                {page.data!.items.map((e) => (
                  <tr key={e.seq}>
                    <td className="px-4 py-2 font-mono text-xs text-[var(--muted)]">{e.seq}</td>
                    <td className="whitespace-nowrap px-4 py-2 text-xs">
                      <Time iso={e.occurred_at} />
                    </td>
                    <td className="max-w-48 truncate px-4 py-2 text-xs" title={e.actor.ref}>
                      {e.actor.erased ? <em>erased</em> : (e.actor.label ?? e.actor.ref)}
                    </td>
                    <td className="px-4 py-2">
                      <code className="text-xs">{e.action}</code>
                    </td>
                    <td className="max-w-56 truncate px-4 py-2 text-xs text-[var(--muted)]">
                      {e.resource.type}
                      {e.resource.id && <span className="font-mono"> {e.resource.id.slice(0, 8)}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {(page.data?.next_cursor || cursor) && (
          <div className="flex justify-center gap-2 border-t border-[var(--border)] p-3">
            {cursor && (
              <Button variant="ghost" size="sm" onClick={() => setCursor(null)}>
                Newest
              </Button>
            )}
            {page.data?.next_cursor && (
              <Button variant="secondary" size="sm" onClick={() => setCursor(page.data!.next_cursor!)}>
                Older
              </Button>
            )}
          </div>
        )}
      </Card>
    </div>
  );
}

function ChainStatus() {
  const { data, error, isLoading, mutate, isValidating } = useApi(chainVerificationSchema, '/v1/admin/audit-logs/verify');
  return (
    <Card data-testid="chain-status">
      <div className="flex flex-wrap items-center gap-3 p-4">
        {error ? (
          <p className="text-sm text-rose-600">Chain verification failed to run: {error.message}</p>
        ) : isLoading || !data ? (
          <p className="text-sm text-[var(--muted)]">Verifying the hash chain…</p>
        ) : data.ok ? (
          <>
            <ShieldCheck className="size-5 text-emerald-600" aria-hidden />
            <p className="text-sm">
              <strong>Chain intact.</strong> {data.checked === 1 ? '1 entry' : `${data.checked} entries`} verified up to #{data.last_seq}.
            </p>
            <Badge tone="success">verified</Badge>
          </>
        ) : (
          <>
            <ShieldAlert className="size-5 text-rose-600" aria-hidden />
            <p className="text-sm">
              <strong>Chain broken</strong> at #{data.first_broken?.seq}: {data.first_broken?.reason}
            </p>
            <Badge tone="danger">tampered</Badge>
          </>
        )}
        <Button variant="ghost" size="sm" className="ml-auto" onClick={() => void mutate()} disabled={isValidating}>
          Re-verify
        </Button>
      </div>
    </Card>
  );
}

function ExportButton({ filters }: { filters: Filters }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const exportAs = async (format: 'jsonl' | 'csv') => {
    setBusy(true);
    setError(null);
    try {
      const body = Object.fromEntries(toQuery(filters));
      const response = await fetch(apiUrl('/v1/admin/audit-logs/export'), {
        method: 'POST',
        headers: apiHeaders({ 'content-type': 'application/json' }),
        body: JSON.stringify({ ...body, format }),
      });
      if (!response.ok) throw new Error(response.status === 404 ? 'Export is not available on this server' : `Export failed (${response.status})`);
      const url = URL.createObjectURL(await response.blob());
      const link = Object.assign(document.createElement('a'), { href: url, download: `audit-${new Date().toISOString().slice(0, 10)}.${format}` });
      link.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="flex items-center gap-1">
      {error && <span className="text-xs text-rose-600">{error}</span>}
      <Button variant="secondary" size="sm" onClick={() => exportAs('jsonl')} disabled={busy}>
        <Download className="size-3.5" /> JSONL
      </Button>
      <Button variant="secondary" size="sm" onClick={() => exportAs('csv')} disabled={busy}>
        CSV
      </Button>
    </div>
  );
}
