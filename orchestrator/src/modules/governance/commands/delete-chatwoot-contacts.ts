import { isChatwootError } from '@atrium/connectors/chatwoot';
import type { Services } from '../../../platform/services';
import { activeAdminClient } from '../../chatwoot';
import type { ChatwootContact } from '../chatwoot-subjects';

export interface ExternalErasure {
  deleted: number;
  failed: number;
  /** Why contacts were left in Chatwoot, when they were (one reason per integration). */
  skipped?: string;
}

/**
 * Deletes the person's contacts in each Chatwoot account they wrote from (Chatwoot then deletes their
 * conversations too). Needs the integration's administrator token: a bot token cannot delete contacts.
 * Failures are reported in the DSAR summary, never hidden, so an operator can finish the erasure by hand.
 */
export async function deleteChatwootContacts(services: Services, tenantId: string, contacts: ChatwootContact[]): Promise<ExternalErasure> {
  if (!contacts.length) return { deleted: 0, failed: 0, skipped: 'no Chatwoot contact on record' };
  let deleted = 0;
  let failed = 0;
  const skipped: string[] = [];
  for (const integrationId of new Set(contacts.map((c) => c.integrationId))) {
    const client = await activeAdminClient(services, tenantId, integrationId);
    const ids = contacts.filter((c) => c.integrationId === integrationId).map((c) => c.contactId);
    if (typeof client === 'string') {
      skipped.push(`${client} (contacts ${ids.join(', ')} left in Chatwoot)`);
      continue;
    }
    for (const id of ids) {
      try {
        await client.deleteContact(id);
        deleted += 1;
      } catch (error) {
        // already gone (deleted by hand, or by an earlier attempt of this job): that is the outcome we want
        if (isChatwootError(error) && error.code === 'UPSTREAM_NOT_FOUND') {
          deleted += 1;
          continue;
        }
        failed += 1;
        services.log.warn({ err: error, contactId: id, integrationId }, 'dsar: Chatwoot contact deletion failed');
      }
    }
  }
  return skipped.length ? { deleted, failed, skipped: skipped.join('; ') } : { deleted, failed };
}
