import type { Config } from '../../platform/config';

/**
 * Whether an endpoint may sit on a private network. Operator-supplied URLs may not (SSRF guard), except when
 * private networks are allowed outright, or the endpoint is the platform's own n8n (N8N_BASE_URL, trusted
 * platform config), so the Atrium Trigger node in n8n can subscribe to events on an internal network.
 */
export function mayReachPrivateNetwork(url: string, config: Config): boolean {
  if (config.OUTBOUND_ALLOW_PRIVATE_NETWORKS) return true;
  if (!config.N8N_BASE_URL) return false;
  try {
    return new URL(url).origin === new URL(config.N8N_BASE_URL).origin;
  } catch {
    return false;
  }
}
