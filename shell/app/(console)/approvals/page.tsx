import { can, requireModule } from '@/lib/server/console';
import { PageHeader } from '@/components/ui/primitives';
import { ApprovalsView } from '@/components/modules/approvals-view';

export const metadata = { title: 'Approvals' };

export default async function ApprovalsPage() {
  const { tenant } = await requireModule('approvals');
  return (
    <>
      <PageHeader title="Approvals" description="High-risk actions wait for a human decision. Decisions are audited." />
      <ApprovalsView canDecide={can(tenant, 'approvals:decide')} />
    </>
  );
}
