import { can, requireModule } from '@/lib/server/console';
import { PageHeader } from '@/components/ui/primitives';
import { AuditView } from '@/components/modules/audit-view';

export const metadata = { title: 'Audit log' };

export default async function AuditPage() {
  const { tenant } = await requireModule('audit');
  return (
    <>
      <PageHeader title="Audit log" description="Tamper-evident record of every change in this tenant." />
      <AuditView canVerify={can(tenant, 'audit:verify')} />
    </>
  );
}
