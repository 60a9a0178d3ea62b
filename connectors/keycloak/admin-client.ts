import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { z } from 'zod';
import { errorFromStatus, isKeycloakError, KeycloakError } from './errors';
import {
  adminEventSchema,
  groupSchema,
  roleSchema,
  userSchema,
  type KeycloakAdminEvent,
  type KeycloakGroup,
  type KeycloakRole,
  type KeycloakUser,
} from './schemas';
import { serviceAccountTokens, type TokenSource } from './token';

/**
 * Read-only client for Keycloak's Admin REST API (contracts/keycloak.md §6) as the `atrium-sync` service account,
 * which holds only view-users, query-groups, view-realm and view-events. Every response is zod-parsed; each
 * attempt has a timeout; 5xx, 429, timeouts and network errors are retried with exponential backoff (all calls
 * are reads, so repeating them is safe); a 401 drops the cached token and retries once.
 */
export interface KeycloakAdminClientOptions {
  /** Keycloak base URL, e.g. http://127.0.0.1:8180 */
  baseUrl: string;
  realm: string;
  clientId: string;
  clientSecret: string;
  /** per attempt, default 10 s */
  timeoutMs?: number;
  /** total attempts including the first, default 3 */
  attempts?: number;
  /** first backoff delay, default 200 ms */
  backoffMs?: number;
  fetch?: typeof fetch;
}

export interface Page {
  first?: number;
  max?: number;
}

export interface AdminEventQuery extends Page {
  /** epoch milliseconds, inclusive */
  fromTime?: number;
  resourceTypes?: string[];
}

export interface KeycloakAdminClient {
  listUsers(page?: Page & { search?: string }): Promise<KeycloakUser[]>;
  /** all users, page by page (service-account users excluded) */
  allUsers(pageSize?: number): AsyncGenerator<KeycloakUser>;
  /** undefined when the user no longer exists */
  findUser(id: string): Promise<KeycloakUser | undefined>;
  userGroups(id: string): Promise<KeycloakGroup[]>;
  /** effective realm roles: direct, through composites and through groups */
  userRealmRoles(id: string): Promise<KeycloakRole[]>;
  /** undefined when there is no group at that path */
  groupByPath(path: string): Promise<KeycloakGroup | undefined>;
  groupChildren(id: string, page?: Page): Promise<KeycloakGroup[]>;
  groupMembers(id: string, page?: Page): Promise<KeycloakUser[]>;
  /** admin events, oldest first */
  adminEvents(query?: AdminEventQuery): Promise<KeycloakAdminEvent[]>;
}

export function createKeycloakAdminClient(options: KeycloakAdminClientOptions): KeycloakAdminClient {
  const base = options.baseUrl.replace(/\/$/, '');
  const adminBase = `${base}/admin/realms/${encodeURIComponent(options.realm)}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const doFetch = options.fetch ?? fetch;
  const tokens: TokenSource = serviceAccountTokens({
    issuer: `${base}/realms/${encodeURIComponent(options.realm)}`,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    timeoutMs,
  });
  const policy = retry(
    handleWhen((e) => isKeycloakError(e) && e.retryable),
    { maxAttempts: Math.max(0, (options.attempts ?? 3) - 1), backoff: new ExponentialBackoff({ initialDelay: options.backoffMs ?? 200, maxDelay: 5_000 }) },
  );

  async function attempt(path: string, what: string, retriedAuth = false): Promise<{ status: number; body: unknown }> {
    const token = await tokens.get();
    let res: Response;
    try {
      res = await doFetch(`${adminBase}${path}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const name = (e as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new KeycloakError('UPSTREAM_TIMEOUT', `Keycloak did not answer ${what} within ${timeoutMs} ms`, { cause: e });
      throw new KeycloakError('UPSTREAM_UNAVAILABLE', `Keycloak is unreachable for ${what}: ${(e as Error)?.message}`, { cause: e });
    }
    const text = await res.text();
    if (res.status === 401 && !retriedAuth) {
      tokens.invalidate();
      return attempt(path, what, true);
    }
    if (res.status === 404) return { status: 404, body: undefined };
    if (!res.ok) throw errorFromStatus(res.status, text, what);
    try {
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    } catch (e) {
      throw new KeycloakError('UPSTREAM_BAD_RESPONSE', `Keycloak answered ${what} with invalid JSON`, { cause: e });
    }
  }

  /** GET + parse; `undefined` for 404 so callers decide whether absence is an error. */
  async function get<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T | undefined> {
    const { status, body } = await policy.execute(() => attempt(path, what));
    if (status === 404) return undefined;
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      throw new KeycloakError('UPSTREAM_BAD_RESPONSE', `Keycloak answered ${what} with an unexpected shape: ${z.prettifyError(parsed.error).slice(0, 300)}`);
    }
    return parsed.data;
  }
  async function getList<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T[]> {
    const list = await get(path, z.array(schema), what);
    if (list === undefined) throw new KeycloakError('UPSTREAM_NOT_FOUND', `Keycloak has no such resource for ${what}`, { upstreamStatus: 404 });
    return list;
  }
  const paging = (page: Page = {}, extra: Record<string, string | undefined> = {}) => {
    const q = new URLSearchParams({ first: String(page.first ?? 0), max: String(page.max ?? 100) });
    for (const [k, v] of Object.entries(extra)) if (v !== undefined) q.set(k, v);
    return q.toString();
  };
  const id = encodeURIComponent;

  const client: KeycloakAdminClient = {
    listUsers: (page = {}) => getList(`/users?${paging(page, { search: page.search, briefRepresentation: 'false' })}`, userSchema, 'list users'),
    async *allUsers(pageSize = 100) {
      for (let first = 0; ; first += pageSize) {
        const batch = await client.listUsers({ first, max: pageSize });
        for (const user of batch) if (!user.serviceAccountClientId && !user.username.startsWith('service-account-')) yield user;
        if (batch.length < pageSize) return;
      }
    },
    findUser: (userId) => get(`/users/${id(userId)}`, userSchema, `read user ${userId}`),
    userGroups: (userId) => getList(`/users/${id(userId)}/groups?briefRepresentation=false&max=1000`, groupSchema, `list groups of user ${userId}`),
    userRealmRoles: (userId) => getList(`/users/${id(userId)}/role-mappings/realm/composite`, roleSchema, `list realm roles of user ${userId}`),
    groupByPath: (path) => get(`/group-by-path/${path.replace(/^\//, '').split('/').map(id).join('/')}`, groupSchema, `find group ${path}`),
    groupChildren: (groupId, page) =>
      getList(`/groups/${id(groupId)}/children?${paging(page, { briefRepresentation: 'false' })}`, groupSchema, `list subgroups of ${groupId}`),
    groupMembers: (groupId, page) =>
      getList(`/groups/${id(groupId)}/members?${paging(page, { briefRepresentation: 'false' })}`, userSchema, `list members of group ${groupId}`),
    async adminEvents(query = {}) {
      const extra: Record<string, string | undefined> = {
        dateFrom: query.fromTime === undefined ? undefined : String(query.fromTime),
        direction: 'asc',
      };
      const q = new URLSearchParams(paging(query, extra));
      for (const t of query.resourceTypes ?? []) q.append('resourceTypes', t);
      const events = await getList(`/admin-events?${q}`, adminEventSchema, 'read admin events');
      // `direction` is honoured since 26.2; sorting again keeps older servers correct too.
      return events.sort((a, b) => a.time - b.time);
    },
  };
  return client;
}
