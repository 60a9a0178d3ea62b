import type { Queryable } from '../../platform/db';
import type { TenantConfig } from '../tenants';
import { consentOf } from './memory-store';

export type MemorySettings = TenantConfig['memory'];

/**
 * Whether this owner's memories may be stored and recalled. With `require_consent` (the default) only an
 * explicit grant counts; without it, memory is on unless the user opted out. Disabled memory is off for all.
 */
export async function memoryAllowed(tx: Queryable, tenantId: string, ownerRef: string, settings: MemorySettings): Promise<boolean> {
  if (!settings.enabled) return false;
  const consent = await consentOf(tx, tenantId, ownerRef);
  return settings.require_consent ? consent?.granted === true : consent?.granted !== false;
}
