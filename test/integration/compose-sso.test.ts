import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compose, ROOT, runCompose } from '../support/compose';

/**
 * Signing in through Keycloak in the compose stack: the realm import, the proxy and the console must agree on the
 * console's public URL and on the client secrets, or the login fails at Keycloak (unknown redirect URI), at the
 * proxy (the console's /auth/callback sent to Keycloak) or at the code exchange (wrong client secret).
 */
const PUBLIC_URL = 'https://atrium.example.org';

/** The stack as compose resolves it for a public URL; a configuration compose refuses fails the test (it never skips it). */
function composeServices(): Record<string, { environment: Record<string, string> }> {
  const resolved = runCompose(['config'], { ATRIUM_PUBLIC_URL: PUBLIC_URL });
  if (resolved.status !== 0) throw new Error(`compose config failed: ${resolved.stderr}`);
  const json = spawnSync('python3', ['-c', 'import yaml,json,sys; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: resolved.stdout, encoding: 'utf8' });
  if (json.status !== 0) throw new Error(`could not read the resolved compose file as YAML: ${json.stderr}`);
  return (JSON.parse(json.stdout) as { services: never }).services;
}

// scripts/provision/compose.sh installs a compose client, so under `npm test` this never skips.
const services = compose ? composeServices() : null;
const realm = JSON.parse(readFileSync(join(ROOT, 'keycloak', 'atrium-realm.json'), 'utf8')) as {
  clients: Array<{ clientId: string; secret?: string; redirectUris?: string[]; webOrigins?: string[]; attributes?: Record<string, string> }>;
};
const client = (id: string) => realm.clients.find((c) => c.clientId === id)!;

/** Keycloak's import placeholders, `${NAME:default}`, resolved against `env`. */
const resolve = (value: string, env: Record<string, string>) =>
  value.replace(/\$\{([A-Z0-9_]+)(?::([^}]*))?\}/g, (_m, name: string, fallback?: string) => env[name] ?? fallback ?? '');
/** Keycloak's redirect URI check: exact, or a prefix match for a pattern ending in `*`. */
const allowedBy = (patterns: string[], uri: string) => patterns.some((p) => (p.endsWith('*') ? uri.startsWith(p.slice(0, -1)) : uri === p));

describe.skipIf(!services)('single sign-on in the compose stack', () => {
  it("registers the console's public URL as a redirect, origin and logout target of the atrium-shell client", () => {
    const keycloakEnv = services!.keycloak!.environment;
    const shellEnv = services!.shell!.environment;
    expect(shellEnv.SHELL_PUBLIC_URL).toBe(PUBLIC_URL);
    const shell = client('atrium-shell');
    const redirects = shell.redirectUris!.map((u) => resolve(u, keycloakEnv));
    expect(allowedBy(redirects, `${PUBLIC_URL}/auth/callback`)).toBe(true);
    expect(allowedBy(redirects, 'https://elsewhere.example.org/auth/callback')).toBe(false);
    expect(shell.webOrigins!.map((u) => resolve(u, keycloakEnv))).toContain(PUBLIC_URL);
    expect(allowedBy(resolve(shell.attributes!['post.logout.redirect.uris']!, keycloakEnv).split('##'), `${PUBLIC_URL}/login`)).toBe(true);
  });

  it('gives the console and Atrium the same client secrets the realm import sets', () => {
    const keycloakEnv = services!.keycloak!.environment;
    const shellSecret = resolve(client('atrium-shell').secret!, keycloakEnv);
    const syncSecret = resolve(client('atrium-sync').secret!, keycloakEnv);
    expect(shellSecret).not.toMatch(/dev-secret/);
    expect(services!.shell!.environment.OIDC_CLIENT_SECRET).toBe(shellSecret);
    expect(syncSecret).not.toMatch(/dev-secret/);
    expect(services!['atrium-api']!.environment.KEYCLOAK_ADMIN_CLIENT_SECRET).toBe(syncSecret);
    expect(services!['atrium-worker']!.environment.KEYCLOAK_ADMIN_CLIENT_SECRET).toBe(syncSecret);
  });

  it("routes Keycloak's paths to Keycloak and the console's own /auth routes to the console", () => {
    const caddy = readFileSync(join(ROOT, 'compose', 'proxy', 'Caddyfile'), 'utf8');
    const matcher = /@keycloak path ([^\n]+)/.exec(caddy);
    expect(matcher, 'a named @keycloak path matcher').not.toBeNull();
    expect(caddy).toMatch(/handle @keycloak \{\s*reverse_proxy keycloak:8080/);
    const toKeycloak = matcher![1]!.trim().split(/\s+/);
    const consoleRoutes = readdirSync(join(ROOT, 'shell', 'app', 'auth')).map((r) => `/auth/${r}`);
    expect(consoleRoutes).toEqual(expect.arrayContaining(['/auth/login', '/auth/callback']));
    expect(consoleRoutes.filter((r) => allowedBy(toKeycloak, r))).toEqual([]);
    for (const path of [
      '/auth/realms/atrium/protocol/openid-connect/auth',
      '/auth/resources/x/login/keycloak.v2/css/login.css',
      '/auth/admin/master/console/',
    ]) {
      expect(allowedBy(toKeycloak, path), path).toBe(true);
    }
  });
});
