import type { Citation } from '@/lib/api/schemas';

/** Citations as numbered source cards: title (linked when the source has a URL), section path and the quoted passage. */
export function CitationList({ citations }: { citations: Citation[] }) {
  if (citations.length === 0) return null;
  return (
    <ol className="mt-3 space-y-2" data-testid="citations">
      {citations.map((c, i) => {
        const heading = Array.isArray(c.heading_path) ? c.heading_path.join(' › ') : c.heading_path;
        return (
          <li key={`${c.chunk_id ?? c.document_id}-${i}`} className="rounded-lg border border-[var(--border)] p-3 text-sm">
            <div className="flex items-baseline gap-2">
              <span className="grid size-5 shrink-0 place-items-center rounded bg-brand-100 text-[11px] font-semibold text-brand-700 dark:bg-brand-700/30 dark:text-brand-100">
                {typeof c.index === 'number' ? c.index : i + 1}
              </span>
              {c.url ? (
                <a href={c.url} target="_blank" rel="noreferrer noopener" className="font-medium text-brand-600 hover:underline">
                  {c.title ?? 'Untitled'}
                </a>
              ) : (
                <span className="font-medium">{c.title ?? 'Untitled'}</span>
              )}
              {typeof c.score === 'number' && <span className="ml-auto font-mono text-xs text-[var(--muted)]">{c.score.toFixed(3)}</span>}
            </div>
            {heading && <p className="mt-0.5 text-xs text-[var(--muted)]">{heading}</p>}
            {c.snippet && <p className="mt-1 line-clamp-3 text-[13px] text-slate-700 dark:text-slate-300">{c.snippet}</p>}
          </li>
        );
      })}
    </ol>
  );
}
