import { requireModule } from '@/lib/server/console';
import { PageHeader } from '@/components/ui/primitives';
import { ToolsView } from '@/components/modules/tools-view';

export const metadata = { title: 'Tools' };

export default async function ToolsPage() {
  await requireModule('tools');
  return (
    <>
      <PageHeader title="Tools" description="n8n workflows and HTTP endpoints the assistant can use, risk-tiered." />
      <ToolsView />
    </>
  );
}
