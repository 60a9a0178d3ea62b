'use client';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import {
  Activity,
  BarChart3,
  BookOpen,
  ClipboardCheck,
  Inbox,
  MessagesSquare,
  ScrollText,
  Settings,
  ShieldCheck,
  Sparkles,
  Wrench,
  type LucideIcon,
} from 'lucide-react';
import { cn } from '@/lib/cn';
import type { ModuleDef } from '@/lib/modules';

const ICONS: Record<ModuleDef['icon'], LucideIcon> = {
  Inbox,
  MessagesSquare,
  ShieldCheck,
  Activity,
  Sparkles,
  BookOpen,
  Wrench,
  BarChart3,
  ScrollText,
  ClipboardCheck,
  Settings,
};

/** Only the modules the user's abilities allow in this tenant are listed (the server also refuses the others). */
export function Sidebar({ modules, onNavigate }: { modules: readonly ModuleDef[]; onNavigate?: () => void }) {
  const pathname = usePathname();
  const groups = [...new Set(modules.map((m) => m.group))];
  return (
    <nav aria-label="Modules" className="flex flex-col gap-5 px-3 py-4">
      {groups.map((group) => (
        <div key={group}>
          <p className="px-2 pb-1 text-[11px] font-semibold uppercase tracking-wider text-[var(--muted)]">{group}</p>
          <ul className="space-y-0.5">
            {modules
              .filter((m) => m.group === group)
              .map((m) => {
                const Icon = ICONS[m.icon];
                const active = pathname === m.href || pathname.startsWith(`${m.href}/`);
                return (
                  <li key={m.key}>
                    <Link
                      href={m.href}
                      onClick={onNavigate}
                      aria-current={active ? 'page' : undefined}
                      className={cn(
                        'flex items-center gap-2.5 rounded-md px-2 py-1.5 text-sm',
                        active
                          ? 'bg-brand-50 font-medium text-brand-700 dark:bg-brand-700/20 dark:text-brand-100'
                          : 'hover:bg-slate-100 dark:hover:bg-slate-800',
                      )}
                    >
                      <Icon className="size-4" aria-hidden />
                      {m.label}
                    </Link>
                  </li>
                );
              })}
          </ul>
        </div>
      ))}
      {modules.length === 0 && (
        <p className="px-2 text-sm text-[var(--muted)]">Your roles give you no console modules in this tenant. Ask a tenant admin for a role.</p>
      )}
    </nav>
  );
}
