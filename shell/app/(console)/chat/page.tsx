import { requireModule } from '@/lib/server/console';
import { PageHeader } from '@/components/ui/primitives';
import { ChatView } from '@/components/modules/chat-view';

export const metadata = { title: 'Chat playground' };

export default async function ChatPage() {
  await requireModule('chat');
  return (
    <>
      <PageHeader title="Chat playground" />
      <ChatView />
    </>
  );
}
