import { requireModule } from '@/lib/server/console';
import { shellEnv } from '@/lib/env';
import { PageHeader } from '@/components/ui/primitives';
import { ConversationsView } from '@/components/modules/conversations-view';
import { ChatwootEmbed } from '@/components/modules/chatwoot-embed';

export const metadata = { title: 'Inbox' };

/** Chatwoot is the human agents' inbox when the operator runs it; otherwise Atrium's own conversation list. */
export default async function InboxPage() {
  await requireModule('inbox');
  const chatwoot = shellEnv().CHATWOOT_DASHBOARD_URL;
  return (
    <>
      <PageHeader
        title="Inbox"
        description={chatwoot ? 'Chatwoot, where your human agents answer, inside the console.' : 'Conversations waiting for your team.'}
      />
      {chatwoot ? <ChatwootEmbed url={chatwoot} /> : <ConversationsView />}
    </>
  );
}
