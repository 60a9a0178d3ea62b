export interface TenantRow {
  id: string;
  slug: string;
  name: string;
  status: 'active' | 'suspended';
  created_at: Date;
}

export const presentTenant = (t: TenantRow) => ({
  id: t.id,
  slug: t.slug,
  name: t.name,
  status: t.status,
  created_at: new Date(t.created_at).toISOString(),
});

export interface ConfigVersionRow {
  version: number;
  active: boolean;
  comment: string | null;
  created_by: string;
  created_at: Date;
}

export const presentConfigVersion = (v: ConfigVersionRow) => ({
  version: v.version,
  active: v.active,
  comment: v.comment,
  created_by: v.created_by,
  created_at: new Date(v.created_at).toISOString(),
});
