import { requireModule } from '@/lib/server/console';
import { PageHeader } from '@/components/ui/primitives';
import { ActivityView } from '@/components/modules/activity-view';

export const metadata = { title: 'Activity' };

export default async function ActivityPage() {
  await requireModule('activity');
  return (
    <>
      <PageHeader title="Activity" description="A live timeline of the tenant: who did what, when." />
      <ActivityView />
    </>
  );
}
