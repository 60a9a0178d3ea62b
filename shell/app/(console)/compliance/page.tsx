import { requireModule } from '@/lib/server/console';
import { PageHeader } from '@/components/ui/primitives';
import { ComplianceView } from '@/components/modules/compliance-view';

export const metadata = { title: 'Compliance' };

export default async function CompliancePage() {
  await requireModule('compliance');
  return (
    <>
      <PageHeader
        title="Compliance"
        description="Retention, encryption, audit chain, data-subject requests, the safety policy in force and the latest red-team and eval evidence."
      />
      <ComplianceView />
    </>
  );
}
