import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestAtrium, type TestAtrium } from '../../../../test/support/app';
import { demoPassword, keycloakToken } from '../../../../test/support/keycloak';
import { fullSync, keycloakClientFor } from './index';

/**
 * Tokens an attacker could present, against the API trusting the real Keycloak. A second, test-controlled issuer
 * (a JWKS served from this file, trusted via OIDC_ADDITIONAL_ISSUERS) signs correctly shaped tokens whose only
 * defect is the one under test (time claims, key rotation), since Keycloak will not mint those on request.
 */
const keycloak = inject('keycloak');
let atrium: TestAtrium;
let aliceToken: string;
let jwksServer: Server;
let forgedIssuer: string;
const forgedKeys: Array<{ kid: string; privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK }> = [];

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as JWTPayload & Record<string, unknown>;

async function addForgedKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  forgedKeys.push({ kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } });
}

function forge(claims: JWTPayload & Record<string, unknown>, kid = forgedKeys[0]!.kid, issuer = forgedIssuer) {
  const key = forgedKeys.find((k) => k.kid === kid)!;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ realm_access: { roles: ['tenant_admin'] }, tenant: ['acme'], ...claims })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience('atrium-api')
    .setSubject('forged-user')
    .setIssuedAt(now)
    .setExpirationTime(typeof claims.exp === 'number' ? claims.exp : now + 300)
    .sign(key.privateKey);
}

beforeAll(async () => {
  await addForgedKey('forged-1');
  jwksServer = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: forgedKeys.map((k) => k.jwk) })));
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  forgedIssuer = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/realms/forged`;
  atrium = await createTestAtrium({
    worker: false,
    env: { OIDC_ISSUER_URL: keycloak.issuer, OIDC_ADDITIONAL_ISSUERS: forgedIssuer, KEYCLOAK_ADMIN_CLIENT_SECRET: 'atrium-sync-dev-secret' },
  });
  await fullSync(atrium.services, keycloakClientFor(atrium.services)!, keycloak.issuer);
  aliceToken = (await keycloakToken(keycloak.issuer, 'alice', demoPassword('alice'))).access_token;
});
afterAll(async () => {
  await atrium?.close();
  jwksServer?.close();
});

const call = (token: string) => atrium.http.get('/v1/tools').set('Authorization', `Bearer ${token}`).set('X-Tenant-ID', 'acme');
async function expectRefused(token: string, reason: string) {
  const res = await call(token);
  expect(res.status).toBe(401);
  expect(res.body.error).toMatchObject({ code: 'INVALID_TOKEN', details: { reason } });
}

describe('access tokens', () => {
  it("accepts alice's genuine Keycloak token (the control case)", async () => {
    expect((await call(aliceToken)).status).toBe(200);
  });

  it('refuses an unsigned token (alg none)', async () => {
    const [, payload] = aliceToken.split('.');
    await expectRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, 'algorithm_not_allowed');
  });

  it("refuses an HS256 token keyed with Keycloak's public key (algorithm confusion)", async () => {
    const jwks = (await (await fetch(`${keycloak.issuer}/protocol/openid-connect/certs`)).json()) as { keys: Array<{ kid: string; n?: string }> };
    const { kid } = JSON.parse(Buffer.from(aliceToken.split('.')[0]!, 'base64url').toString()) as { kid: string };
    const jwk = jwks.keys.find((k) => k.kid === kid)!;
    // the classic form keys the HMAC with the PEM text a verifier might load; the JWK JSON is tried as well
    const pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    for (const secret of [pem, JSON.stringify(jwk)]) {
      const token = await new SignJWT(claimsOf(aliceToken)).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode(secret));
      await expectRefused(token, 'algorithm_not_allowed');
    }
  });

  it("refuses a token signed by an unknown key under Keycloak's issuer", async () => {
    await addForgedKey('attacker');
    await expectRefused(await forge({ ...claimsOf(aliceToken), exp: undefined }, 'attacker', keycloak.issuer), 'unknown_key');
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [header, , signature] = aliceToken.split('.');
    const tampered = `${header}.${b64({ ...claimsOf(aliceToken), tenant: ['acme', 'globex'], realm_access: { roles: ['platform_admin'] } })}.${signature}`;
    await expectRefused(tampered, 'bad_signature');
  });

  it('refuses a token from an issuer that is not trusted', async () => {
    await expectRefused(await forge({}, 'forged-1', 'http://127.0.0.1:1/realms/atrium'), 'wrong_issuer');
    const master = await fetch(`${keycloak.url}/realms/master/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'password', client_id: 'admin-cli', username: 'admin', password: keycloak.adminPassword }),
    });
    await expectRefused(((await master.json()) as { access_token: string }).access_token, 'wrong_issuer');
  });

  it('refuses a genuine Keycloak token issued for another audience', async () => {
    const res = await fetch(`${keycloak.issuer}/protocol/openid-connect/token`, {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'atrium-sync', client_secret: 'atrium-sync-dev-secret' }),
    });
    const token = ((await res.json()) as { access_token: string }).access_token;
    expect([claimsOf(token).aud ?? []].flat()).not.toContain('atrium-api');
    await expectRefused(token, 'wrong_audience');
  });

  it('refuses an expired token, but tolerates a small clock skew', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expectRefused(await forge({ exp: now - 120 }), 'expired');
    expect((await call(await forge({ exp: now - 5 }))).status).toBe(200);
  });

  it('refuses a token that is not valid yet (nbf in the future)', async () => {
    await expectRefused(await forge({ nbf: Math.floor(Date.now() / 1000) + 600 }), 'not_yet_valid');
  });

  it('refuses a token from a trusted issuer that does not carry the API audience', async () => {
    const token = await new SignJWT({ tenant: ['acme'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'forged-1' })
      .setIssuer(forgedIssuer)
      .setAudience('account')
      .setSubject('x')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(forgedKeys[0]!.privateKey);
    await expectRefused(token, 'wrong_audience');
  });

  it('picks up a rotated signing key by refetching the JWKS on an unknown kid', async () => {
    expect((await call(await forge({}))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 5_200)); // the verifier refetches at most every 5 s
    await addForgedKey('forged-2');
    expect((await call(await forge({}, 'forged-2'))).status).toBe(200);
  });

  it('answers a malformed bearer with INVALID_TOKEN instead of a server error', async () => {
    await expectRefused('abc.def.ghi', 'malformed');
  });
});
