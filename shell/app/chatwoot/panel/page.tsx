import { readSession } from '@/lib/auth/session';
import { currentTenantSlug } from '@/lib/api/upstream';
import { ChatwootPanel } from '@/components/modules/chatwoot-panel';

export const dynamic = 'force-dynamic';
export const metadata = { title: 'Atrium for Chatwoot' };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The Chatwoot Dashboard App (Chatwoot frames this URL next to a conversation). It needs the console session:
 * serve the console on the same site as Chatwoot (e.g. atrium.example.com next to chat.example.com) so the
 * SameSite=Lax cookie travels with the frame; otherwise the agent signs in once in a new tab.
 */
export default async function ChatwootPanelPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { integration } = await searchParams;
  if (!integration || !UUID.test(integration)) {
    return <p className="p-4 text-sm">This page is Atrium&apos;s Chatwoot Dashboard App; open it from a Chatwoot conversation.</p>;
  }
  const session = await readSession();
  if (!session.accessToken) {
    return (
      <div className="p-4 text-sm">
        <p className="mb-2">Sign in to Atrium to see the assistant&apos;s view of this conversation.</p>
        <a href="/auth/login?returnTo=/chatwoot/panel" target="_blank" rel="noreferrer" className="font-medium text-brand-600 hover:underline">
          Sign in (opens a new tab), then reload this panel
        </a>
      </div>
    );
  }
  return <ChatwootPanel integrationId={integration} tenant={(await currentTenantSlug()) ?? null} />;
}
