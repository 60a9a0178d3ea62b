import { notFound } from 'next/navigation';
import { requireModule } from '@/lib/server/console';
import { PageHeader } from '@/components/ui/primitives';
import { ConversationsView } from '@/components/modules/conversations-view';

export const metadata = { title: 'Conversation' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  await requireModule('conversations');
  const { id } = await params;
  if (!UUID.test(id)) notFound();
  return (
    <>
      <PageHeader title="Conversations" />
      <ConversationsView selectedId={id} />
    </>
  );
}
