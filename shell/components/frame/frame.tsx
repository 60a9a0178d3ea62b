'use client';
import { useState, type ReactNode } from 'react';
import { LogOut, Menu, X } from 'lucide-react';
import { setApiTenant } from '@/lib/api/client';
import type { Me } from '@/lib/api/schemas';
import { visibleModules } from '@/lib/modules';
import { Button } from '@/components/ui/primitives';
import { LiveEventsProvider } from './live-events';
import { NotificationCentre } from './notifications';
import { Sidebar } from './sidebar';
import { TenantSwitcher } from './tenant-switcher';
import { ThemeToggle } from './theme-toggle';

export function Frame({ me, tenantSlug, children }: { me: Me; tenantSlug: string | null; children: ReactNode }) {
  setApiTenant(tenantSlug ?? undefined); // before children render, so their first fetch names the tenant
  const tenant = me.tenants.find((t) => t.slug === tenantSlug) ?? null;
  const modules = visibleModules(tenant?.abilities ?? []);
  const [menuOpen, setMenuOpen] = useState(false);
  const who = me.name ?? me.email ?? me.subject;
  return (
    <LiveEventsProvider tenant={tenantSlug} enabled={!!tenant?.abilities.includes('activity:read')}>
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2"
      >
        Skip to content
      </a>
      <div className="flex min-h-screen">
        <aside
          className={`fixed inset-y-0 left-0 z-40 w-60 border-r border-[var(--border)] bg-[var(--panel)] transition-transform md:static md:translate-x-0 ${menuOpen ? 'translate-x-0' : '-translate-x-full'}`}
        >
          <div className="flex h-14 items-center justify-between border-b border-[var(--border)] px-4">
            <span className="flex items-center gap-2 font-semibold tracking-tight">
              <span className="grid size-7 place-items-center rounded-lg bg-brand-600 text-sm text-white" aria-hidden>
                A
              </span>
              Atrium
            </span>
            <Button variant="ghost" size="sm" className="md:hidden" onClick={() => setMenuOpen(false)} aria-label="Close menu">
              <X className="size-4" />
            </Button>
          </div>
          <Sidebar modules={modules} onNavigate={() => setMenuOpen(false)} />
        </aside>
        {menuOpen && <div className="fixed inset-0 z-30 bg-black/30 md:hidden" onClick={() => setMenuOpen(false)} aria-hidden />}
        <div className="flex min-w-0 flex-1 flex-col">
          <header className="sticky top-0 z-20 flex h-14 items-center gap-3 border-b border-[var(--border)] bg-[var(--panel)]/90 px-4 backdrop-blur">
            <Button variant="ghost" size="sm" className="md:hidden" onClick={() => setMenuOpen(true)} aria-label="Open menu">
              <Menu className="size-4" />
            </Button>
            <TenantSwitcher tenants={me.tenants} current={tenantSlug} />
            <div className="ml-auto flex items-center gap-1">
              <NotificationCentre />
              <ThemeToggle />
              <span className="mx-2 hidden max-w-48 truncate text-sm text-[var(--muted)] sm:inline" data-testid="whoami">
                {who}
              </span>
              <form action="/auth/logout" method="post">
                <Button type="submit" variant="ghost" size="sm" aria-label="Sign out">
                  <LogOut className="size-4" />
                </Button>
              </form>
            </div>
          </header>
          <main id="main" className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 md:px-8">
            {children}
          </main>
        </div>
      </div>
    </LiveEventsProvider>
  );
}
