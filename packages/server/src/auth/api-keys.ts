/** API keys: `csk_` + 32 random bytes; only the SHA-256 hash is stored. */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'csk_';

export function generateApiKey(): { key: string; hash: string; prefix: string } {
  const key = API_KEY_PREFIX + randomBytes(32).toString('base64url');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, 10) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Extracts the key from `Authorization: Bearer <key>`; null when absent or malformed. */
export function bearer(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S{1,200})$/.exec(header);
  return m ? m[1]! : null;
}
