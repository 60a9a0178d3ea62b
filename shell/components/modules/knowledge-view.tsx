'use client';
import { useRef, useState } from 'react';
import { BookOpen, Search, Upload } from 'lucide-react';
import { apiCall, useApi } from '@/lib/api/client';
import { documentSchema, listOf, searchResultSchema, sourceSchema, type Citation, type KnowledgeDocument } from '@/lib/api/schemas';
import { Badge, Button, Card, CardHeader, Input, type Tone } from '@/components/ui/primitives';
import { ApiErrorState, EmptyState, LoadingRows, Time } from '@/components/ui/states';
import { useLiveEvents } from '@/components/frame/live-events';
import { CitationList } from './citations';
import { uploadWithProgress } from './upload';

const STATUS_TONE: Record<string, Tone> = {
  indexed: 'success',
  failed: 'danger',
  uploaded: 'info',
  extracting: 'warning',
  chunking: 'warning',
  embedding: 'warning',
  pending: 'info',
};
const ACCEPT = '.txt,.md,.html,.htm,.pdf,.docx,.csv,.json';
const TERMINAL = new Set(['indexed', 'failed']);

export function KnowledgeView({ canWrite }: { canWrite: boolean }) {
  const docs = useApi(listOf(documentSchema), '/v1/knowledge/documents?limit=100', {
    // While something is still in the pipeline, poll as a fallback to the live stream.
    refreshInterval: (latest?: { items: KnowledgeDocument[] }) => (latest?.items.some((d) => !TERMINAL.has(d.status)) ? 2000 : 0),
  });
  const sources = useApi(listOf(sourceSchema), '/v1/knowledge/sources');
  useLiveEvents((event) => {
    const type = String(event.data.resource_type ?? event.data.type ?? '');
    if (event.type !== 'activity' || type.includes('document') || type.includes('knowledge')) void docs.mutate();
  });
  return (
    <div className="space-y-4">
      {canWrite && <UploadCard onUploaded={() => void docs.mutate()} />}
      <div className="grid gap-4 lg:grid-cols-[minmax(0,1.4fr)_minmax(0,1fr)]">
        <Card>
          <CardHeader title="Documents" description="Each document moves through uploaded → extracting → chunking → embedding → indexed." />
          {docs.error ? (
            <ApiErrorState error={docs.error} what="Knowledge" />
          ) : docs.isLoading ? (
            <LoadingRows />
          ) : (docs.data?.items.length ?? 0) === 0 ? (
            <EmptyState icon={<BookOpen className="size-6" />} title="No documents yet">
              Upload manuals, FAQs or policies; the assistant answers from them and cites them.
            </EmptyState>
          ) : (
            <table className="w-full text-sm" data-testid="documents">
              <thead className="text-left text-xs text-[var(--muted)]">
                <tr>
                  <th className="w-1/2 px-4 py-2 font-medium">Title</th>
                  <th className="px-4 py-2 font-medium">Status</th>
                  <th className="hidden px-4 py-2 font-medium sm:table-cell">Chunks</th>
                  <th className="hidden px-4 py-2 font-medium sm:table-cell">Updated</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-[var(--border)]">
                {docs.data!.items.map((d) => (
                  <DocumentRow key={d.id} doc={d} />
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <div className="space-y-4">
          <SearchPlayground />
          <Card>
            <CardHeader title="Sources" />
            {sources.error ? (
              <ApiErrorState error={sources.error} what="Sources" />
            ) : (
              <ul className="divide-y divide-[var(--border)] text-sm" data-testid="sources">
                {(sources.data?.items ?? []).map((s) => (
                  <li key={s.id} className="flex items-center justify-between gap-2 px-4 py-2">
                    <span className="min-w-0 flex-1 truncate">{s.name ?? s.url ?? s.id}</span>
                    {s.document_count !== undefined && (
                      <span className="text-xs text-[var(--muted)]">
                        {s.document_count} {s.document_count === 1 ? 'document' : 'documents'}
                      </span>
                    )}
                    <Badge>{s.kind}</Badge>
                  </li>
                ))}
                {sources.data?.items.length === 0 && (
                  <li className="px-4 py-4 text-[var(--muted)]">No sources yet. Files uploaded here are documents of their own.</li>
                )}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}

function DocumentRow({ doc }: { doc: KnowledgeDocument }) {
  return (
    <tr data-testid="document-row" data-status={doc.status}>
      <td className="max-w-0 px-4 py-2">
        <p className="truncate font-medium">{doc.title ?? doc.id}</p>
        {doc.error && <p className="truncate text-xs text-rose-600">{doc.error.message}</p>}
      </td>
      <td className="px-4 py-2">
        <Badge tone={STATUS_TONE[doc.status] ?? 'neutral'}>{doc.status}</Badge>
      </td>
      <td className="hidden px-4 py-2 font-mono text-xs sm:table-cell">{doc.chunk_count ?? '—'}</td>
      <td className="hidden px-4 py-2 text-xs text-[var(--muted)] sm:table-cell">
        <Time iso={doc.updated_at ?? doc.created_at} />
      </td>
    </tr>
  );
}

function UploadCard({ onUploaded }: { onUploaded: () => void }) {
  const input = useRef<HTMLInputElement>(null);
  // `done` keeps the full bar on screen after the upload, so a fast one still shows it reached 100 %.
  const [progress, setProgress] = useState<{ name: string; fraction: number; done: boolean } | null>(null);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);
  const upload = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      setMessage(null);
      setProgress({ name: file.name, fraction: 0, done: false });
      const form = new FormData();
      form.append('file', file);
      try {
        await uploadWithProgress('/v1/knowledge/upload', form, (fraction) => setProgress({ name: file.name, fraction, done: false }));
        setProgress({ name: file.name, fraction: 1, done: true });
        setMessage({ tone: 'ok', text: `${file.name} uploaded; indexing…` });
        onUploaded();
      } catch (e) {
        setProgress(null);
        setMessage({ tone: 'error', text: `${file.name}: ${(e as Error).message}` });
      }
    }
    if (input.current) input.current.value = '';
  };
  return (
    <Card
      className="border-dashed"
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        void upload(e.dataTransfer.files);
      }}
    >
      <div className="flex flex-wrap items-center gap-4 p-4">
        <Upload className="size-5 text-[var(--muted)]" aria-hidden />
        <div className="min-w-0 flex-1">
          <p className="text-sm font-medium">Add documents</p>
          <p className="text-xs text-[var(--muted)]">Drop files here or choose them: txt, md, html, pdf, docx, csv, json.</p>
        </div>
        <input
          ref={input}
          id="knowledge-file"
          type="file"
          accept={ACCEPT}
          multiple
          className="sr-only"
          onChange={(e) => void upload(e.target.files)}
          data-testid="upload-input"
        />
        <Button variant="secondary" onClick={() => input.current?.click()} disabled={!!progress && !progress.done}>
          Choose files
        </Button>
      </div>
      {progress && <UploadProgress {...progress} />}
      {message && (
        <p
          role={message.tone === 'error' ? 'alert' : 'status'}
          className={`px-4 pb-3 text-sm ${message.tone === 'error' ? 'text-rose-600' : 'text-emerald-600'}`}
        >
          {message.text}
        </p>
      )}
    </Card>
  );
}

function UploadProgress({ name, fraction, done }: { name: string; fraction: number; done: boolean }) {
  const percent = Math.round(fraction * 100);
  const label = `${done ? 'Uploaded' : 'Uploading'} ${name}`;
  return (
    <div className="px-4 pb-4">
      <p className="mb-1 text-xs text-[var(--muted)]" aria-hidden>
        {label} — {percent}%
      </p>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-1.5 overflow-hidden rounded bg-slate-200 dark:bg-slate-800"
      >
        <div className="h-full bg-brand-500 transition-all" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

function SearchPlayground() {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Citation[] | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const search = async () => {
    if (!query.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setResults((await apiCall(searchResultSchema, '/v1/knowledge/search', { method: 'POST', body: { query, top_k: 5 } })).results);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card>
      <CardHeader title="Search playground" description="What the assistant would retrieve for a question, as you see it (your groups apply)." />
      <form
        className="flex gap-2 p-4 pb-0"
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <Input value={query} onChange={(e) => setQuery(e.target.value)} placeholder="Ask something your documents answer" aria-label="Search query" />
        <Button type="submit" disabled={busy}>
          <Search className="size-4" /> Search
        </Button>
      </form>
      <div className="p-4 pt-1">
        {error && <ApiErrorState error={error} what="Search" />}
        {results && results.length === 0 && <p className="pt-3 text-sm text-[var(--muted)]">No passage matches.</p>}
        {results && <CitationList citations={results} />}
      </div>
    </Card>
  );
}
