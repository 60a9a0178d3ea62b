import { requireModule } from '@/lib/server/console';
import { chatwootInboxUrl } from '@/lib/server/chatwoot-inbox';
import { PageHeader } from '@/components/ui/primitives';
import { ConversationsView } from '@/components/modules/conversations-view';
import { ChatwootEmbed } from '@/components/modules/chatwoot-embed';

export const metadata = { title: 'Inbox' };

/** Chatwoot is the human agents' inbox when the tenant has connected it; otherwise Atrium's own conversation list. */
export default async function InboxPage() {
  const { tenant } = await requireModule('inbox');
  const chatwoot = await chatwootInboxUrl(tenant.slug);
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
