'use client';
import { useRouter } from 'next/navigation';
import { Building2 } from 'lucide-react';
import type { MeTenant } from '@/lib/api/schemas';

/** The tenants come from the token (GET /v1/me); the choice is a cookie the console server forwards as X-Tenant-ID. */
export function TenantSwitcher({ tenants, current }: { tenants: MeTenant[]; current: string | null }) {
  const router = useRouter();
  if (tenants.length === 0) return <span className="text-sm text-[var(--muted)]">No tenant</span>;
  const choose = (slug: string) => {
    document.cookie = `atrium_tenant=${encodeURIComponent(slug)}; path=/; samesite=lax; max-age=31536000`;
    router.refresh();
  };
  return (
    <label className="flex items-center gap-2 text-sm">
      <Building2 className="size-4 text-[var(--muted)]" aria-hidden />
      <span className="sr-only">Tenant</span>
      <select
        data-testid="tenant-switcher"
        className="h-8 rounded-md border border-[var(--border)] bg-[var(--panel)] px-2 text-sm"
        value={current ?? ''}
        onChange={(e) => choose(e.target.value)}
        disabled={tenants.length === 1}
      >
        {tenants.map((t) => (
          <option key={t.slug} value={t.slug}>
            {t.name}
            {t.status !== 'active' ? ` (${t.status})` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
