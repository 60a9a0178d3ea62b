import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, renderEnvExample, configSchema } from './config';

describe('configuration', () => {
  it('applies twelve-factor defaults', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(8080);
    expect(c.embedded).toBe(true);
    expect(c.publicUrl).toBe('http://127.0.0.1:8080');
  });

  it('lists every problem at once in readable form', () => {
    try {
      loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', ATRIUM_ADMIN_API_KEY: 'short' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const message = (error as ConfigError).message;
      expect(message).toMatch(/PORT: /);
      expect(message).toMatch(/LOG_LEVEL: /);
      expect(message).toMatch(/ATRIUM_ADMIN_API_KEY: /);
      expect((error as ConfigError).problems).toHaveLength(3);
    }
  });

  it('refuses production without a real database, issuer and encryption key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL[\s\S]*OIDC_ISSUER_URL[\s\S]*ATRIUM_ENCRYPTION_KEY/);
  });

  it('refuses symmetric or unsigned token algorithms, naming them', () => {
    expect(() => loadConfig({ OIDC_ALGORITHMS: 'RS256,HS256,none' })).toThrow(/OIDC_ALGORITHMS: asymmetric algorithms only .* not HS256, none/);
    expect(loadConfig({ OIDC_ALGORITHMS: 'RS256,ES384,EdDSA' }).OIDC_ALGORITHMS).toEqual(['RS256', 'ES384', 'EdDSA']);
  });

  it('rejects an encryption key that is not 32 bytes', () => {
    expect(() => loadConfig({ ATRIUM_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') })).toThrow(/32 bytes/);
  });

  it('describes every key, and .env.example names every key', () => {
    const example = renderEnvExample();
    for (const [key, schema] of Object.entries(configSchema.shape)) {
      expect(schema.description, key).toBeTruthy();
      expect(example).toContain(`${key}=`);
    }
  });

  it('the committed .env.example is exactly what the schema renders (regenerate: npm run atrium -- config env-example > .env.example)', () => {
    const committed = readFileSync(resolve(import.meta.dirname, '..', '..', '..', '.env.example'), 'utf8');
    expect(committed).toBe(renderEnvExample());
  });
});
