import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from './errors';

/**
 * Secrets at rest (integration tokens, webhook secrets) use AES-256-GCM. The stored form is
 * `v1.<keyId>.<iv>.<tag>.<ciphertext>` (base64url), where keyId is a short fingerprint of the key, so
 * rotation can decrypt with an old key and re-encrypt with the new one.
 */
export interface SecretBox {
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
  /** True when `sealed` was encrypted with a key other than the current one. */
  needsRotation(sealed: string): boolean;
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('base64url').slice(0, 8);

export function createSecretBox(currentKeyB64: string, oldKeysB64: readonly string[] = []): SecretBox {
  const current = Buffer.from(currentKeyB64, 'base64');
  if (current.length !== 32) throw new Error('encryption key must be 32 bytes');
  const keys = new Map<string, Buffer>([[keyId(current), current]]);
  for (const k of oldKeysB64) keys.set(keyId(Buffer.from(k, 'base64')), Buffer.from(k, 'base64'));
  const currentId = keyId(current);

  return {
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v1', currentId, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
    },
    decrypt(sealed) {
      const [version, id, iv, tag, ct] = sealed.split('.');
      const key = id ? keys.get(id) : undefined;
      if (version !== 'v1' || !key || !iv || !tag || ct === undefined) {
        throw new AppError('INTERNAL', 'A stored secret cannot be decrypted with the configured keys');
      }
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
    },
    needsRotation(sealed) {
      return sealed.split('.')[1] !== currentId;
    },
  };
}

export const sha256Hex = (value: string | Buffer) => createHash('sha256').update(value).digest('hex');

/** A random token with a readable prefix, e.g. `atr_live_…`; 32 bytes of entropy. */
export const randomToken = (prefix: string, bytes = 32) => `${prefix}${randomBytes(bytes).toString('base64url')}`;

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
