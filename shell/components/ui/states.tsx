'use client';
import type { ReactNode } from 'react';
import { PlugZap, ShieldAlert, TriangleAlert } from 'lucide-react';
import type { ApiError } from '@/lib/api/client';
import { Skeleton } from './primitives';

export function EmptyState({ icon, title, children }: { icon?: ReactNode; title: string; children?: ReactNode }) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 px-6 py-12 text-center">
      {icon && <div className="text-[var(--muted)]">{icon}</div>}
      <p className="text-sm font-medium">{title}</p>
      {children && <div className="max-w-md text-sm text-[var(--muted)]">{children}</div>}
    </div>
  );
}

/** One rendering for every failed load: a module whose API has not landed, a refusal, or a real error. */
export function ApiErrorState({ error, what }: { error: ApiError | Error; what: string }) {
  const apiError = error as Partial<ApiError>;
  if (apiError.unavailable) {
    return (
      <EmptyState icon={<PlugZap className="size-6" />} title={`${what} is not available on this Atrium server yet`}>
        The orchestrator does not expose this API. Upgrade the server or enable the module; the console lights it up automatically.
      </EmptyState>
    );
  }
  if (apiError.status === 403) {
    return (
      <EmptyState icon={<ShieldAlert className="size-6" />} title="You do not have access to this">
        {error.message}
      </EmptyState>
    );
  }
  return (
    <div role="alert">
      <EmptyState icon={<TriangleAlert className="size-6 text-rose-500" />} title={`Could not load ${what.toLowerCase()}`}>
        {error.message}
        {apiError.code && <span className="ml-1 font-mono text-xs">({apiError.code})</span>}
      </EmptyState>
    </div>
  );
}

export function LoadingRows({ rows = 4 }: { rows?: number }) {
  return (
    <div className="space-y-2 p-4" aria-busy="true" aria-label="Loading">
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-10 w-full" />
      ))}
    </div>
  );
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
export function timeAgo(iso: string | null | undefined): string {
  if (!iso) return '—';
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 60) return relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span>—</span>;
  return (
    <time dateTime={iso} title={new Date(iso).toLocaleString()}>
      {timeAgo(iso)}
    </time>
  );
}
