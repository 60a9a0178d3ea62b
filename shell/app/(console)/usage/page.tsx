import { requireModule } from '@/lib/server/console';
import { PageHeader } from '@/components/ui/primitives';
import { UsageView } from '@/components/modules/usage-view';

export const metadata = { title: 'Usage' };

export default async function UsagePage() {
  await requireModule('usage');
  return (
    <>
      <PageHeader title="Usage" description="Conversations, messages, tokens, cost, handoff and resolution over time." />
      <UsageView />
    </>
  );
}
