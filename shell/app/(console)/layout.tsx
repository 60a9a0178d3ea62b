import type { ReactNode } from 'react';
import { Frame } from '@/components/frame/frame';
import { loadConsole } from '@/lib/server/console';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const { me, tenant } = await loadConsole();
  return (
    <Frame me={me} tenantSlug={tenant?.slug ?? null} key={tenant?.slug ?? 'none'}>
      {children}
    </Frame>
  );
}
