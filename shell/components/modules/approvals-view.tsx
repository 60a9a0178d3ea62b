'use client';
import { useState } from 'react';
import { Check, ShieldCheck, X } from 'lucide-react';
import { apiCall, useApi, type ApiError } from '@/lib/api/client';
import { approvalSchema, listOf } from '@/lib/api/schemas';
import { cn } from '@/lib/cn';
import { Badge, Button, Card, CardHeader, Input, type Tone } from '@/components/ui/primitives';
import { ApiErrorState, EmptyState, LoadingRows, Time } from '@/components/ui/states';
import { useLiveEvents } from '@/components/frame/live-events';

const FILTERS = [
  { key: 'submitted', label: 'Pending' },
  { key: 'approved', label: 'Approved' },
  { key: 'rejected', label: 'Rejected' },
  { key: '', label: 'All' },
] as const;

const STATUS_TONE: Record<string, Tone> = {
  submitted: 'warning',
  approved: 'success',
  executed: 'success',
  rejected: 'danger',
  failed: 'danger',
  expired: 'neutral',
  cancelled: 'neutral',
};

/** Queue + detail; decisions are one click, and the list follows the live stream so two approvers never collide unseen. */
export function ApprovalsView({ canDecide }: { canDecide: boolean }) {
  const [status, setStatus] = useState<string>('submitted');
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const list = useApi(listOf(approvalSchema), `/v1/approvals?limit=50${status ? `&status=${status}` : ''}`);
  useLiveEvents((event) => {
    const resourceType = event.data.resource_type;
    if (event.type === 'approval' || resourceType === 'approval') void list.mutate();
  });
  const items = list.data?.items ?? [];
  return (
    <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_minmax(0,1.1fr)]">
      <Card>
        <CardHeader
          title="Queue"
          actions={
            <div role="tablist" aria-label="Filter approvals" className="flex gap-1">
              {FILTERS.map((f) => (
                <Button
                  key={f.key}
                  role="tab"
                  aria-selected={status === f.key}
                  size="sm"
                  variant={status === f.key ? 'secondary' : 'ghost'}
                  onClick={() => setStatus(f.key)}
                >
                  {f.label}
                </Button>
              ))}
            </div>
          }
        />
        {list.error ? (
          <ApiErrorState error={list.error} what="Approvals" />
        ) : list.isLoading ? (
          <LoadingRows />
        ) : items.length === 0 ? (
          <EmptyState icon={<ShieldCheck className="size-6" />} title={status === 'submitted' ? 'No approvals waiting' : 'Nothing here'}>
            High-risk tool calls and escalated requests wait here for an approver.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-[var(--border)]" data-testid="approval-list">
            {items.map((a) => (
              <li key={a.id}>
                <button
                  type="button"
                  onClick={() => setSelectedId(a.id)}
                  aria-current={a.id === selectedId}
                  className={cn(
                    'flex w-full items-start gap-3 px-4 py-3 text-left hover:bg-slate-50 dark:hover:bg-slate-800/50',
                    a.id === selectedId && 'bg-brand-50 dark:bg-brand-700/15',
                  )}
                >
                  <div className="min-w-0 flex-1">
                    <p className="truncate text-sm font-medium">{a.title}</p>
                    <p className="text-xs text-[var(--muted)]">
                      {a.type ?? 'request'} · <Time iso={a.created_at} />
                      {a.requested_by && <> · by {a.requested_by.ref}</>}
                    </p>
                  </div>
                  <Badge tone={STATUS_TONE[a.status] ?? 'neutral'}>{a.status === 'submitted' ? 'pending' : a.status}</Badge>
                </button>
              </li>
            ))}
          </ul>
        )}
      </Card>
      {selectedId ? (
        <ApprovalDetail key={selectedId} id={selectedId} canDecide={canDecide} onDecided={() => void list.mutate()} />
      ) : (
        <Card>
          <EmptyState title="Select a request">Its details, the tool input and the decision buttons appear here.</EmptyState>
        </Card>
      )}
    </div>
  );
}

/** The detail is loaded on its own, so it stays on screen (with its new status) after the queue drops the request. */
function ApprovalDetail({ id, canDecide, onDecided }: { id: string; canDecide: boolean; onDecided: () => void }) {
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { data: approval, error: loadError, mutate } = useApi(approvalSchema, `/v1/approvals/${id}`);
  useLiveEvents((event) => {
    const changed = (event.data.approval as { id?: unknown } | undefined)?.id ?? event.data.resource_id;
    if (changed === id) void mutate();
  });
  if (loadError)
    return (
      <Card>
        <ApiErrorState error={loadError} what="This approval" />
      </Card>
    );
  if (!approval)
    return (
      <Card>
        <LoadingRows rows={3} />
      </Card>
    );
  const pending = approval.status === 'submitted';
  // The API says what this caller may do with this request (e.g. not approve their own); the page only renders it.
  const allowed = canDecide && (approval.abilities.includes('approve') || approval.abilities.includes('reject'));
  const ownRequest = canDecide && !allowed;
  const decide = async (verdict: 'approve' | 'reject') => {
    setBusy(verdict);
    setError(null);
    try {
      const decided = await apiCall(approvalSchema, `/v1/approvals/${approval.id}/${verdict}`, { method: 'POST', body: reason ? { reason } : {} });
      setReason('');
      await mutate(decided, { revalidate: true });
      onDecided();
    } catch (e) {
      const err = e as ApiError;
      setError(
        err.code === 'APPROVAL_ALREADY_DECIDED'
          ? 'Someone already decided this request.'
          : err.code === 'APPROVAL_EXPIRED'
            ? 'This request expired before a decision.'
            : err.message,
      );
      void mutate();
      onDecided();
    } finally {
      setBusy(null);
    }
  };
  return (
    <Card data-testid="approval-detail">
      <CardHeader
        title={approval.title}
        description={
          <>
            Requested <Time iso={approval.created_at} />
            {approval.expires_at && (
              <>
                {' '}
                · expires <Time iso={approval.expires_at} />
              </>
            )}
          </>
        }
        actions={<Badge tone={STATUS_TONE[approval.status] ?? 'neutral'}>{approval.status}</Badge>}
      />
      <div className="space-y-4 p-4">
        {approval.details && (
          <section>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-[var(--muted)]">Details</h3>
            <pre className="max-h-72 overflow-auto rounded-md bg-slate-50 p-3 text-xs dark:bg-slate-900">{approval.details}</pre>
          </section>
        )}
        {approval.tool && (
          <section>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-[var(--muted)]">Tool call</h3>
            <pre className="max-h-72 overflow-auto rounded-md bg-slate-50 p-3 text-xs dark:bg-slate-900">{`${approval.tool.name}(${JSON.stringify(approval.tool.input, null, 2)})`}</pre>
          </section>
        )}
        {approval.decision_reason && (
          <p className="text-sm">
            <span className="text-[var(--muted)]">Reason: </span>
            {approval.decision_reason}
          </p>
        )}
        {approval.error && <p className="text-sm text-rose-600">{approval.error}</p>}
        {approval.decided_by && <p className="text-sm text-[var(--muted)]">Decided by {approval.decided_by}</p>}
        {pending && allowed && (
          <div className="space-y-2 border-t border-[var(--border)] pt-4">
            <Input
              placeholder="Reason (optional, shown in the audit log)"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              aria-label="Reason"
              maxLength={500}
            />
            <div className="flex gap-2">
              <Button onClick={() => decide('approve')} disabled={!!busy} data-testid="approve">
                <Check className="size-4" /> {busy === 'approve' ? 'Approving…' : 'Approve'}
              </Button>
              <Button variant="danger" onClick={() => decide('reject')} disabled={!!busy} data-testid="reject">
                <X className="size-4" /> {busy === 'reject' ? 'Rejecting…' : 'Reject'}
              </Button>
            </div>
          </div>
        )}
        {pending && !allowed && (
          <p className="text-sm text-[var(--muted)]">
            {ownRequest ? 'You cannot decide a request you made yourself.' : 'You can see this request but your roles do not let you decide it.'}
          </p>
        )}
        {error && (
          <p role="alert" className="text-sm text-rose-600">
            {error}
          </p>
        )}
      </div>
    </Card>
  );
}
