import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../platform/crypto';

/**
 * Tenant API keys look like `atr_<prefix>_<secret>`: the prefix (public, unique) finds the row, the
 * secret is only ever stored as a SHA-256 hash (it has 256 bits of entropy, so a slow hash adds nothing).
 */
const KEY = /^atr_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export interface ParsedApiKey {
  prefix: string;
  secret: string;
}

export function parseApiKey(value: string): ParsedApiKey | null {
  const match = KEY.exec(value);
  return match ? { prefix: match[1]!, secret: match[2]! } : null;
}

export function generateApiKey(): { key: string; prefix: string; hash: string } {
  const prefix = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, 'x')
    .slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { key: `atr_${prefix}_${secret}`, prefix, hash: sha256Hex(secret) };
}

export const hashApiKeySecret = (secret: string) => sha256Hex(secret);
export const looksLikeApiKey = (value: string) => value.startsWith('atr_');
