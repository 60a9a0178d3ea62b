'use client';
import { useEffect, useMemo, useState } from 'react';
import { History, RotateCcw, Save } from 'lucide-react';
import { apiCall, useApi, type ApiError } from '@/lib/api/client';
import { activeConfigSchema, configVersionsSchema, validateResultSchema } from '@/lib/api/schemas';
import { Badge, Button, Card, CardHeader, Input, Textarea } from '@/components/ui/primitives';
import { ApiErrorState, LoadingRows, Time } from '@/components/ui/states';
import { diffLines } from './diff';

type Problem = { path: string; message: string };
const pretty = (value: unknown) => JSON.stringify(value, null, 2);

/** Stored versions come back from jsonb with keys reordered; diffing in sorted-key form shows only real changes. */
const sortKeys = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sortKeys)
    : value && typeof value === 'object'
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([k, v]) => [k, sortKeys(v)]),
        )
      : value;
function canonical(text: string): string {
  try {
    return pretty(sortKeys(JSON.parse(text)));
  } catch {
    return text; // mid-edit invalid JSON: diff the raw text
  }
}

/** JSON editor over the versioned tenant config: server-side validation as you type, publish, diff and rollback. */
export function SettingsView({ canWrite }: { canWrite: boolean }) {
  const active = useApi(activeConfigSchema, '/v1/admin/config');
  const versions = useApi(configVersionsSchema, '/v1/admin/config/versions?include_config=true');
  const [text, setText] = useState('');
  const [comment, setComment] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [compareTo, setCompareTo] = useState<number | null>(null);
  useEffect(() => {
    if (active.data) setText(pretty(active.data.config));
  }, [active.data]);

  // Validate (debounced) with the server's own schema, so the editor and the API never disagree.
  useEffect(() => {
    if (!active.data) return;
    const timer = setTimeout(async () => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        return setProblems([{ path: '(json)', message: (e as Error).message }]);
      }
      try {
        const result = await apiCall(validateResultSchema, '/v1/admin/config/validate', { method: 'POST', body: { config: parsed } });
        setProblems(result.valid ? [] : result.errors);
      } catch {
        /* validation is advisory; publishing re-validates */
      }
    }, 400);
    return () => clearTimeout(timer);
  }, [text, active.data]);

  const dirty = active.data ? text !== pretty(active.data.config) : false;
  const publish = async () => {
    setStatus(null);
    try {
      const saved = await apiCall(activeConfigSchema, '/v1/admin/config', { method: 'PUT', body: { config: JSON.parse(text), comment: comment || undefined } });
      setStatus(`Published version ${saved.version}.`);
      setComment('');
      await Promise.all([active.mutate(saved, { revalidate: false }), versions.mutate()]);
    } catch (e) {
      const err = e as ApiError;
      setStatus(`Not published: ${err.message}`);
    }
  };
  const rollback = async (version: number) => {
    if (!window.confirm(`Publish version ${version} again as the newest version?`)) return;
    try {
      const saved = await apiCall(activeConfigSchema, '/v1/admin/config/rollback', { method: 'POST', body: { version } });
      setStatus(`Rolled back: version ${version} is live again as version ${saved.version}.`);
      await Promise.all([active.mutate(saved, { revalidate: false }), versions.mutate()]);
    } catch (e) {
      setStatus(`Rollback failed: ${(e as Error).message}`);
    }
  };
  const compared = versions.data?.items.find((v) => v.version === compareTo);
  const diff = useMemo(() => (compared ? diffLines(pretty(sortKeys(compared.config ?? {})), canonical(text)) : null), [compared, text]);

  if (active.error) return <ApiErrorState error={active.error} what="Settings" />;
  if (!active.data) return <LoadingRows rows={6} />;
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1.6fr)_minmax(0,1fr)]">
      <Card>
        <CardHeader
          title={
            <>
              Configuration <Badge tone="info">v{active.data.version} live</Badge>
            </>
          }
          description="Assistant, models, retrieval, safety, escalation, tools, memory and retention for this tenant."
          actions={dirty && <Badge tone="warning">unsaved changes</Badge>}
        />
        <div className="space-y-3 p-4">
          <Textarea
            aria-label="Tenant configuration (JSON)"
            value={text}
            onChange={(e) => setText(e.target.value)}
            readOnly={!canWrite}
            spellCheck={false}
            rows={26}
            className="text-xs leading-5"
            data-testid="config-editor"
          />
          <div aria-live="polite">
            {problems.length > 0 ? (
              <ul className="space-y-1 rounded-md bg-rose-50 p-3 text-xs text-rose-800 dark:bg-rose-900/30 dark:text-rose-200" data-testid="config-problems">
                {problems.map((p) => (
                  <li key={p.path + p.message}>
                    <code>{p.path}</code>: {p.message}
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-xs text-emerald-600">Valid configuration.</p>
            )}
          </div>
          {canWrite && (
            <div className="flex flex-wrap items-center gap-2">
              <Input
                className="max-w-sm flex-1"
                placeholder="What changed and why (kept with the version)"
                value={comment}
                onChange={(e) => setComment(e.target.value)}
                aria-label="Change comment"
                maxLength={500}
              />
              <Button onClick={publish} disabled={!dirty || problems.length > 0}>
                <Save className="size-4" /> Publish
              </Button>
              <Button variant="ghost" onClick={() => setText(pretty(active.data!.config))} disabled={!dirty}>
                Discard
              </Button>
            </div>
          )}
          {status && (
            <p role="status" className="text-sm">
              {status}
            </p>
          )}
        </div>
      </Card>
      <div className="space-y-4">
        <Card>
          <CardHeader
            title={
              <span className="flex items-center gap-1.5">
                <History className="size-4" /> Versions
              </span>
            }
            description="Select one to compare with the editor."
          />
          {versions.error ? (
            <ApiErrorState error={versions.error} what="Versions" />
          ) : (
            <ul className="max-h-80 divide-y divide-[var(--border)] overflow-auto text-sm">
              {(versions.data?.items ?? []).map((v) => (
                <li key={v.version} className={`flex items-center gap-2 px-4 py-2 ${compareTo === v.version ? 'bg-brand-50 dark:bg-brand-700/15' : ''}`}>
                  <button type="button" className="min-w-0 flex-1 text-left" onClick={() => setCompareTo(compareTo === v.version ? null : v.version)}>
                    <span className="font-medium">v{v.version}</span> {v.active && <Badge tone="success">live</Badge>}
                    <span className="block truncate text-xs text-[var(--muted)]">
                      {v.comment ?? 'no comment'} · {v.created_by} · <Time iso={v.created_at} />
                    </span>
                  </button>
                  {canWrite && !v.active && (
                    <Button size="sm" variant="ghost" onClick={() => rollback(v.version)} aria-label={`Roll back to version ${v.version}`}>
                      <RotateCcw className="size-3.5" />
                    </Button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Card>
        {diff && (
          <Card>
            <CardHeader title={`Diff: v${compareTo} → editor`} />
            <pre className="max-h-96 overflow-auto p-3 text-[11px] leading-4" data-testid="config-diff">
              {diff.map((line, i) => (
                <div
                  key={i}
                  className={
                    line.kind === 'add'
                      ? 'bg-emerald-50 text-emerald-800 dark:bg-emerald-900/30 dark:text-emerald-200'
                      : line.kind === 'remove'
                        ? 'bg-rose-50 text-rose-800 dark:bg-rose-900/30 dark:text-rose-200'
                        : 'text-[var(--muted)]'
                  }
                >
                  {line.kind === 'add' ? '+ ' : line.kind === 'remove' ? '- ' : '  '}
                  {line.text}
                </div>
              ))}
              {diff.every((l) => l.kind === 'same') && <p className="text-[var(--muted)]">No differences.</p>}
            </pre>
          </Card>
        )}
      </div>
    </div>
  );
}
