/** The console's modules: where they live and the ability (from GET /v1/me) that unlocks each. */
export const MODULES = [
  { key: 'inbox', label: 'Inbox', href: '/inbox', ability: 'conversations:read', icon: 'Inbox', group: 'Work' },
  { key: 'conversations', label: 'Conversations', href: '/conversations', ability: 'conversations:read', icon: 'MessagesSquare', group: 'Work' },
  { key: 'approvals', label: 'Approvals', href: '/approvals', ability: 'approvals:read', icon: 'ShieldCheck', group: 'Work' },
  { key: 'activity', label: 'Activity', href: '/activity', ability: 'activity:read', icon: 'Activity', group: 'Work' },
  { key: 'chat', label: 'Chat playground', href: '/chat', ability: 'chat:create', icon: 'Sparkles', group: 'Build' },
  { key: 'knowledge', label: 'Knowledge', href: '/knowledge', ability: 'knowledge:read', icon: 'BookOpen', group: 'Build' },
  { key: 'tools', label: 'Tools', href: '/tools', ability: 'tools:read', icon: 'Wrench', group: 'Build' },
  { key: 'usage', label: 'Usage', href: '/usage', ability: 'usage:read', icon: 'BarChart3', group: 'Govern' },
  { key: 'audit', label: 'Audit log', href: '/audit', ability: 'audit:read', icon: 'ScrollText', group: 'Govern' },
  { key: 'compliance', label: 'Compliance', href: '/compliance', ability: 'compliance:read', icon: 'ClipboardCheck', group: 'Govern' },
  { key: 'settings', label: 'Settings', href: '/settings', ability: 'config:read', icon: 'Settings', group: 'Govern' },
] as const;

export type ModuleKey = (typeof MODULES)[number]['key'];
export type ModuleDef = (typeof MODULES)[number];

export const moduleByKey = (key: ModuleKey): ModuleDef => MODULES.find((m) => m.key === key)!;
export const allows = (abilities: readonly string[], m: ModuleDef) => abilities.includes(m.ability);
export const visibleModules = (abilities: readonly string[]) => MODULES.filter((m) => allows(abilities, m));
