import { can, requireModule } from '@/lib/server/console';
import { shellEnv } from '@/lib/env';
import { PageHeader } from '@/components/ui/primitives';
import { SettingsView } from '@/components/modules/settings-view';
import { WidgetSnippet } from '@/components/modules/widget-snippet';

export const metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const { tenant } = await requireModule('settings');
  const env = shellEnv();
  return (
    <>
      <PageHeader title="Settings" description="Every change is a new version: validated, audited, comparable and reversible." />
      <div className="space-y-4">
        <SettingsView canWrite={can(tenant, 'config:write')} />
        <WidgetSnippet shellUrl={env.SHELL_PUBLIC_URL} apiUrl={env.ATRIUM_PUBLIC_API_URL ?? env.ATRIUM_API_URL} tenant={tenant.slug} />
      </div>
    </>
  );
}
