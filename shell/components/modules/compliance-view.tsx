'use client';
import type { ReactNode } from 'react';
import { useApi } from '@/lib/api/client';
import { complianceSchema, type Compliance } from '@/lib/api/schemas';
import { Badge, Card, CardHeader } from '@/components/ui/primitives';
import { ApiErrorState, LoadingRows, Time } from '@/components/ui/states';

const yesNo = (v: boolean) => (v ? 'yes' : 'no');

/** One fact per row: what a compliance officer reads, and a tone when the answer needs action. */
function Facts({ rows }: { rows: Array<[string, ReactNode]> }) {
  return (
    <dl className="divide-y divide-[var(--border)] text-sm">
      {rows.map(([label, value]) => (
        <div key={label} className="flex items-center justify-between gap-4 px-4 py-2">
          <dt className="text-[var(--muted)]">{label}</dt>
          <dd className="text-right tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function Evidence({ assurance, version }: { assurance: Compliance['assurance']; version: number }) {
  const rt = assurance.red_team;
  const current = (covers: boolean, v: number) => (covers ? `config v${v} (in force)` : `config v${v} (in force: v${version})`);
  return (
    <Card data-testid="compliance-evidence">
      <CardHeader title="How safely" description="The latest red-team battery and eval runs, and the configuration they tested." />
      <Facts
        rows={[
          [
            'Red-team battery',
            rt ? (
              <Badge tone={rt.verdict === 'pass' ? 'success' : 'danger'}>{`${rt.verdict === 'pass' ? 'passed' : 'failed'} ${rt.passed}/${rt.total}`}</Badge>
            ) : (
              <Badge tone="warning">never run</Badge>
            ),
          ],
          ...(rt
            ? ([
                [
                  'Red-team run',
                  <span key="rt">
                    {current(rt.covers_config_in_force, rt.config_version)}, <Time iso={rt.finished_at} />
                  </span>,
                ],
              ] as Array<[string, ReactNode]>)
            : []),
          ...assurance.evals.map((e): [string, ReactNode] => [
            `Eval: ${e.suite}`,
            <span key={e.run_id}>
              {e.score === null ? 'no score' : `${Math.round(e.score * 100)}%`} · {current(e.covers_config_in_force, e.config_version)}
            </span>,
          ]),
        ]}
      />
    </Card>
  );
}

export function ComplianceView() {
  const { data, error, isLoading } = useApi(complianceSchema, '/v1/admin/compliance/report');
  if (error)
    return (
      <Card>
        <ApiErrorState error={error} what="The compliance report" />
      </Card>
    );
  if (isLoading || !data) return <LoadingRows rows={8} />;
  const { audit_chain: chain, retention, encryption, dsar, safety } = data;
  return (
    <div className="grid gap-4 lg:grid-cols-2">
      <Card data-testid="compliance-chain">
        <CardHeader title="Audit chain" description="What the assistant did, for whom: every action is a link of the tenant's hash chain." />
        <Facts
          rows={[
            [
              'Status',
              chain.ok ? (
                <Badge tone="success">verified</Badge>
              ) : (
                <Badge tone="danger">{`broken at #${chain.first_broken?.seq} (${chain.first_broken?.reason})`}</Badge>
              ),
            ],
            ['Entries checked', chain.checked],
            ['Last entry', `#${chain.last_seq}`],
          ]}
        />
      </Card>
      <Evidence assurance={data.assurance} version={data.config_version} />
      <Card>
        <CardHeader title="Retention" />
        <Facts
          rows={[
            ['Conversations and content', `${retention.data_retention_days} days`],
            ['Audit log', `${retention.audit_log_retention_days} days`],
            ['Memories', `${retention.memory_ttl_days} days`],
            ['Last purge', retention.last_purge ? <Time iso={retention.last_purge.at} /> : 'nothing purged yet'],
          ]}
        />
      </Card>
      <Card>
        <CardHeader title="Encryption" />
        <Facts
          rows={[
            ['Secrets at rest', `${encryption.algorithm}${encryption.key_configured ? '' : ' (no key configured)'}`],
            ['Sealed secrets', encryption.sealed_secrets],
            ['On an old key', encryption.secrets_on_old_key ? <Badge tone="warning">{encryption.secrets_on_old_key}</Badge> : 0],
            ['Database connection over TLS', yesNo(encryption.database_tls)],
          ]}
        />
      </Card>
      <Card>
        <CardHeader title="Safety policy in force" description={`Configuration v${data.config_version}`} />
        <Facts
          rows={[
            ['Prompt injection', safety.injection_action],
            ['PII redacted before the model', yesNo(safety.redact_pii_in_model_input)],
            ['PII redacted in answers', yesNo(safety.redact_pii_in_output)],
            ['Secret scanning', yesNo(safety.secret_scanning)],
            ['DLP rules', safety.dlp_rules.length ? safety.dlp_rules.map((r) => `${r.name} (${r.action})`).join(', ') : 'none'],
            ['Memory needs consent', yesNo(safety.memory_requires_consent)],
          ]}
        />
      </Card>
      <Card data-testid="compliance-dsar">
        <CardHeader title="Data-subject requests" description={`${dsar.total} requests, ${dsar.erased_subjects} people erased`} />
        <Facts
          rows={
            dsar.recent.length
              ? dsar.recent.slice(0, 10).map((d): [string, ReactNode] => [
                  `${d.type} ${d.id.slice(0, 8)}`,
                  <span key={d.id}>
                    {d.status} · <Time iso={d.created_at} />
                  </span>,
                ])
              : [['Requests', 'none yet']]
          }
        />
      </Card>
    </div>
  );
}
