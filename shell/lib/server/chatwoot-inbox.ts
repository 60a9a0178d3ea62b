import 'server-only';
import { readSession } from '../auth/session';
import { callApi } from '../api/upstream';
import { chatwootAccountsSchema } from '../api/schemas';
import { shellEnv } from '../env';

/**
 * The Chatwoot dashboard this tenant's human agents answer in, or null when the tenant has not connected Chatwoot
 * (the Inbox then lists Atrium's own conversations). Whether Chatwoot is "configured" is the tenant's fact, so it
 * comes from the API, not from the console's deployment.
 */
export async function chatwootInboxUrl(tenant: string): Promise<string | null> {
  const session = await readSession();
  const response = await callApi('/v1/integrations/chatwoot', { token: session.accessToken!, tenant });
  if (!response.ok) throw new Error(`GET /v1/integrations/chatwoot failed with ${response.status}`);
  const account = chatwootAccountsSchema.parse(await response.json()).items.find((a) => a.status === 'active');
  if (!account) return null;
  const base = (shellEnv().CHATWOOT_DASHBOARD_URL ?? account.base_url).replace(/\/+$/, '');
  return `${base}/app/accounts/${account.account_id}/dashboard`;
}
