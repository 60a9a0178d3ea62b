import { z } from 'zod';
import { ChatwootClient } from '@atrium/connectors/chatwoot';
import type { Services } from '../../../platform/services';

/** The subset of a stored Chatwoot integration erasure needs (config + sealed secrets, see modules/chatwoot). */
const integrationConfig = z.object({ base_url: z.string(), account_id: z.number().int() });
const integrationSecrets = z.object({ admin_token: z.string().nullable().optional() });

export interface ExternalErasure {
  deleted: number;
  failed: number;
  /** Why contacts were left in Chatwoot, when they were. */
  skipped?: string;
}

/**
 * Deletes the person's contacts in Chatwoot (which deletes their conversations there). Needs an administrator
 * token: a bot token cannot delete contacts. Failures are reported in the DSAR summary, never hidden, so an
 * operator can finish the erasure by hand.
 */
export async function deleteChatwootContacts(services: Services, tenantId: string, contactIds: number[]): Promise<ExternalErasure> {
  if (!contactIds.length) return { deleted: 0, failed: 0, skipped: 'no Chatwoot contact on record' };
  const rows = await services.db.withTenant(tenantId, (tx) =>
    tx.query<{ config: unknown; secrets_sealed: string | null }>(
      `SELECT config, secrets_sealed FROM integrations WHERE tenant_id = $1 AND kind = 'chatwoot' AND status = 'active' ORDER BY created_at LIMIT 1`,
      [tenantId],
    ),
  );
  const row = rows.rows[0];
  if (!row?.secrets_sealed) return { deleted: 0, failed: 0, skipped: 'no active Chatwoot integration' };
  const config = integrationConfig.parse(row.config);
  const secrets = integrationSecrets.parse(JSON.parse(services.secrets.decrypt(row.secrets_sealed)));
  if (!secrets.admin_token) return { deleted: 0, failed: 0, skipped: 'the Chatwoot integration has no administrator token' };
  const client = new ChatwootClient({ baseUrl: config.base_url, accountId: config.account_id, token: secrets.admin_token, timeoutMs: 10_000 });
  let deleted = 0;
  let failed = 0;
  for (const id of contactIds) {
    try {
      await client.deleteContact(id);
      deleted += 1;
    } catch (error) {
      failed += 1;
      services.log.warn({ err: error, contactId: id }, 'dsar: Chatwoot contact deletion failed');
    }
  }
  return { deleted, failed };
}
