import { createRemoteJWKSet, jwtVerify, errors as joseErrors, type JWTPayload } from 'jose';
import type { Config } from '../../platform/config';
import { AppError } from '../../platform/errors';
import type { Principal } from '../../platform/http/context';
import { ROLES } from './policy';

/**
 * Verifies Keycloak (or embedded-issuer) access tokens with jose against each trusted issuer's JWKS.
 * jose caches the key set and refetches it when a token names an unknown `kid`. Only asymmetric
 * algorithms are accepted, so an HS256 token "signed" with the public key can never verify.
 */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
  issuers: readonly string[];
}

const invalid = (reason: string, message: string) => new AppError('INVALID_TOKEN', message, { details: { reason } });

function reasonOf(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof joseErrors.JWTExpired) return invalid('expired', 'The access token has expired');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const claim = error.claim;
    if (claim === 'nbf') return invalid('not_yet_valid', 'The access token is not valid yet');
    if (claim === 'aud') return invalid('wrong_audience', 'The access token was not issued for this API');
    if (claim === 'iss') return invalid('wrong_issuer', 'The access token comes from an untrusted issuer');
    return invalid('invalid_claims', `The access token claim "${claim}" is invalid`);
  }
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return invalid('algorithm_not_allowed', 'The access token algorithm is not allowed');
  if (error instanceof joseErrors.JWKSNoMatchingKey) return invalid('unknown_key', 'The access token was signed by an unknown key');
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return invalid('bad_signature', 'The access token signature is invalid');
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return invalid('malformed', 'The access token is malformed');
  return invalid('unverifiable', 'The access token could not be verified');
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);

export function principalFromClaims(payload: JWTPayload & Record<string, unknown>, issuer: string): Principal {
  const realmRoles = asList((payload.realm_access as { roles?: unknown } | undefined)?.roles);
  return {
    kind: 'user',
    subject: String(payload.sub),
    tenants: [...new Set(asList(payload.tenant))],
    roles: realmRoles.filter((r): r is string => (ROLES as readonly string[]).includes(r)),
    groups: asList(payload.groups),
    scopes: [],
    email: typeof payload.email === 'string' ? payload.email : undefined,
    name: typeof payload.name === 'string' ? payload.name : typeof payload.preferred_username === 'string' ? payload.preferred_username : undefined,
    issuer,
  };
}

export function createTokenVerifier(config: Config, issuers: readonly string[]): TokenVerifier {
  const keySets = new Map(issuers.map((iss) => [iss, createRemoteJWKSet(new URL(`${iss}/protocol/openid-connect/certs`), { cooldownDuration: 5_000 })]));
  return {
    issuers,
    async verify(token) {
      const [, body] = token.split('.');
      let iss: unknown;
      try {
        iss = JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')).iss;
      } catch {
        throw invalid('malformed', 'The access token is malformed');
      }
      const keySet = typeof iss === 'string' ? keySets.get(iss) : undefined;
      if (!keySet) throw invalid('wrong_issuer', 'The access token comes from an untrusted issuer');
      try {
        const { payload } = await jwtVerify(token, keySet, {
          issuer: iss as string,
          audience: config.OIDC_AUDIENCE,
          algorithms: config.OIDC_ALGORITHMS.filter((a) => !a.startsWith('HS') && a !== 'none'),
          clockTolerance: config.OIDC_CLOCK_SKEW_SECONDS,
          requiredClaims: ['sub', 'exp'],
        });
        return principalFromClaims(payload as JWTPayload & Record<string, unknown>, iss as string);
      } catch (error) {
        throw reasonOf(error);
      }
    },
  };
}
