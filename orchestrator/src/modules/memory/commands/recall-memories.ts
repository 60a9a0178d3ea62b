import type { Queryable } from '../../../platform/db';
import { memoryAllowed, type MemorySettings } from '../memory-policy';
import { activeMemories } from '../memory-store';

/** How many memories go into one prompt: enough for preferences, small enough not to crowd out sources. */
export const RECALL_LIMIT = 20;

/** Whether memory is on for this owner, and their unexpired memories for a prompt (none when it is off). */
export async function recallMemories(
  tx: Queryable,
  tenantId: string,
  ownerRef: string,
  settings: MemorySettings,
): Promise<{ allowed: boolean; memories: string[] }> {
  if (!(await memoryAllowed(tx, tenantId, ownerRef, settings))) return { allowed: false, memories: [] };
  const rows = await activeMemories(tx, tenantId, ownerRef, RECALL_LIMIT);
  return { allowed: true, memories: rows.map((row) => row.content) };
}
