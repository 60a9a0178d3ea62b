import type { z } from 'zod';
import type { MemorySettings } from './memory-policy';
import type { MemoryRow } from './memory-store';
import type { consentSchema, memorySchema } from './memory.schema';

const iso = (d: Date) => new Date(d).toISOString();

export function presentMemory(row: MemoryRow): z.infer<typeof memorySchema> {
  return {
    id: row.id,
    content: row.content,
    source: row.source,
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
    expires_at: iso(row.expires_at),
  };
}

export function presentConsent(allowed: boolean, consent: { updated_at: Date } | null, settings: MemorySettings): z.infer<typeof consentSchema> {
  return { granted: allowed, required: settings.require_consent, enabled: settings.enabled, updated_at: consent ? iso(consent.updated_at) : null };
}
