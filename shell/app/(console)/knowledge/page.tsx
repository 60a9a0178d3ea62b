import { can, requireModule } from '@/lib/server/console';
import { PageHeader } from '@/components/ui/primitives';
import { KnowledgeView } from '@/components/modules/knowledge-view';

export const metadata = { title: 'Knowledge' };

export default async function KnowledgePage() {
  const { tenant } = await requireModule('knowledge');
  return (
    <>
      <PageHeader title="Knowledge" description="The sources the assistant answers from, their indexing status, and a search playground." />
      <KnowledgeView canWrite={can(tenant, 'knowledge:write')} />
    </>
  );
}
