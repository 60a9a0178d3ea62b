import { requireModule } from '@/lib/server/console';
import { PageHeader } from '@/components/ui/primitives';
import { ConversationsView } from '@/components/modules/conversations-view';

export const metadata = { title: 'Conversations' };

export default async function ConversationsPage() {
  await requireModule('conversations');
  return (
    <>
      <PageHeader title="Conversations" description="Every conversation across channels, with citations, safety decisions and handoffs." />
      <ConversationsView />
    </>
  );
}
