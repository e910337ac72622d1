/**
 * Standard Webhooks signatures over `${webhook-id}.${webhook-timestamp}.${body}`:
 * - `v1,<base64 HMAC-SHA256>` with a shared `whsec_<base64 key>` secret (node:crypto);
 * - `v1a,<base64 Ed25519 signature>` with a `whsk_<base64 secret key>` kept by the server,
 *   the receiver holding only the public key `whpk_<base64>` (libsodium `crypto_sign_*`).
 * During a rotation overlap two signatures are sent, space-separated; a receiver accepts the
 * request when any one verifies.
 * @example
 * const secret = generateSecret();
 * sign(secret, 'msg_1', 1700000000, '{"type":"ping"}', null); // 'v1,K5oZ...'
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { EndpointRecord } from '../store/webhooks.js';
import type { Sodium } from '../auth/sodium.js';

export const SECRET_PREFIX = 'whsec_';
export const SIGNING_KEY_PREFIX = 'whsk_';
export const PUBLIC_KEY_PREFIX = 'whpk_';

export type SignatureScheme = 'v1' | 'v1a';

/** A new symmetric endpoint secret: 32 random bytes. */
export function generateSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString('base64');
}

/** A new Ed25519 signing key (`whsk_`: libsodium's 64-byte secret key, public key included). */
export function generateSigningKey(sodium: Sodium): string {
  const kp = sodium.crypto_sign_keypair();
  return SIGNING_KEY_PREFIX + Buffer.from(kp.privateKey).toString('base64');
}

export const schemeOf = (secret: string): SignatureScheme =>
  secret.startsWith(SIGNING_KEY_PREFIX) ? 'v1a' : 'v1';

/** The `whpk_` public key of a `whsk_` signing key (its last 32 bytes), or null for `whsec_`. */
export function publicKeyOf(secret: string): string | null {
  if (schemeOf(secret) !== 'v1a') return null;
  const sk = Buffer.from(secret.slice(SIGNING_KEY_PREFIX.length), 'base64');
  return PUBLIC_KEY_PREFIX + sk.subarray(32).toString('base64');
}

/** What a receiver needs to verify: the shared secret (v1) or the public key (v1a). */
export const verificationKey = (secret: string): string => publicKeyOf(secret) ?? secret;

/** One `v1,<sig>` or `v1a,<sig>` entry for `id.timestamp.body`. */
export function sign(
  secret: string,
  id: string,
  timestampSec: number,
  body: string,
  sodium: Sodium | null,
): string {
  const content = `${id}.${timestampSec}.${body}`;
  if (schemeOf(secret) === 'v1a') {
    if (!sodium) throw new Error('v1a signatures need libsodium');
    const sk = new Uint8Array(Buffer.from(secret.slice(SIGNING_KEY_PREFIX.length), 'base64'));
    const sig = sodium.crypto_sign_detached(new TextEncoder().encode(content), sk);
    return `v1a,${Buffer.from(sig).toString('base64')}`;
  }
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
  return `v1,${createHmac('sha256', key).update(content).digest('base64')}`;
}

/** The `webhook-signature` value: current secret, plus the previous one during the overlap. */
export function signatureHeader(
  ep: Pick<EndpointRecord, 'secret' | 'prevSecret' | 'prevSecretExpiresAt'>,
  id: string,
  timestampSec: number,
  body: string,
  now: number,
  sodium: Sodium | null,
): string {
  const sigs = [sign(ep.secret, id, timestampSec, body, sodium)];
  if (ep.prevSecret && ep.prevSecretExpiresAt !== null && ep.prevSecretExpiresAt > now) {
    sigs.push(sign(ep.prevSecret, id, timestampSec, body, sodium));
  }
  return sigs.join(' ');
}
