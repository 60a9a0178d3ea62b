/**
 * Stable codes for everything that can go wrong reading Keycloak's Admin REST API. The orchestrator maps a
 * KeycloakError to its AppError with the same code (connectors cannot depend on the orchestrator), as for Chatwoot.
 */
export type KeycloakErrorCode =
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_BAD_RESPONSE'
  /** the service account's credentials were refused (wrong secret, client disabled) */
  | 'UPSTREAM_UNAUTHORIZED'
  /** the service account lacks a realm-management role for this endpoint (view-users, view-events, …) */
  | 'UPSTREAM_FORBIDDEN'
  | 'UPSTREAM_NOT_FOUND'
  | 'UPSTREAM_REJECTED';

const STATUS: Record<KeycloakErrorCode, number> = {
  UPSTREAM_TIMEOUT: 504,
  UPSTREAM_UNAVAILABLE: 503,
  UPSTREAM_BAD_RESPONSE: 502,
  UPSTREAM_UNAUTHORIZED: 502,
  UPSTREAM_FORBIDDEN: 502,
  UPSTREAM_NOT_FOUND: 502,
  UPSTREAM_REJECTED: 502,
};

export class KeycloakError extends Error {
  readonly code: KeycloakErrorCode;
  /** status an HTTP API should answer when this error escapes a request */
  readonly status: number;
  readonly upstreamStatus?: number;

  constructor(code: KeycloakErrorCode, message: string, options: { upstreamStatus?: number; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'KeycloakError';
    this.code = code;
    this.status = STATUS[code];
    this.upstreamStatus = options.upstreamStatus;
  }

  /** Reads are idempotent, so every transient failure is worth another try. */
  get retryable(): boolean {
    return this.code === 'UPSTREAM_UNAVAILABLE' || this.code === 'UPSTREAM_TIMEOUT';
  }
}

export const isKeycloakError = (e: unknown): e is KeycloakError => e instanceof KeycloakError;

export function errorFromStatus(status: number, body: string, what: string): KeycloakError {
  // Keycloak answers {"error": "...", "error_description": "..."} or {"errorMessage": "..."}; keep it short.
  const detail = body ? `: ${body.slice(0, 200)}` : '';
  const options = { upstreamStatus: status };
  if (status === 401) return new KeycloakError('UPSTREAM_UNAUTHORIZED', `Keycloak refused the service-account token for ${what}${detail}`, options);
  if (status === 403) return new KeycloakError('UPSTREAM_FORBIDDEN', `the Keycloak service account may not ${what}${detail}`, options);
  if (status === 404) return new KeycloakError('UPSTREAM_NOT_FOUND', `Keycloak has no such resource for ${what}`, options);
  if (status >= 500 || status === 429) return new KeycloakError('UPSTREAM_UNAVAILABLE', `Keycloak failed ${what} with HTTP ${status}${detail}`, options);
  return new KeycloakError('UPSTREAM_REJECTED', `Keycloak rejected ${what} with HTTP ${status}${detail}`, options);
}
