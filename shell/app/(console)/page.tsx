import { redirect } from 'next/navigation';
import { loadConsole } from '@/lib/server/console';
import { visibleModules } from '@/lib/modules';
import { EmptyState } from '@/components/ui/states';

/** Home: the first module this user may open in this tenant. */
export default async function Home() {
  const { tenant } = await loadConsole();
  const first = visibleModules(tenant?.abilities ?? [])[0];
  if (first) redirect(first.href);
  return (
    <EmptyState title={tenant ? 'Nothing to show yet' : 'You are not a member of any tenant'}>
      {tenant ? 'Your roles do not include any console module in this tenant.' : 'Ask an administrator to add you to a tenant in Keycloak.'}
    </EmptyState>
  );
}
