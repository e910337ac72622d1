/**
 * Verifies identity JWTs signed by the brand's backend: HS256 only, HMAC compared in constant
 * time, `exp` required and short (at most MAX_IDENTITY_TTL_MS ahead), `sub` required.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ErrorCode } from '@causette/shared';

/** An identity token may not be valid for longer than this (it is meant to be short-lived). */
export const MAX_IDENTITY_TTL_MS = 24 * 60 * 60 * 1000;
const CLOCK_SKEW_MS = 30_000;

export interface IdentityClaims {
  sub: string;
  exp: number;
  name?: string;
  email?: string;
}

export type IdentityResult =
  | { ok: true; claims: IdentityClaims }
  | {
      ok: false;
      code: typeof ErrorCode.InvalidToken | typeof ErrorCode.TokenExpired;
      reason: string;
    };

function decodeJson(part: string): unknown {
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
}

export function verifyIdentityToken(
  token: string,
  secret: string,
  now = Date.now(),
): IdentityResult {
  const bad = (reason: string) => ({ ok: false as const, code: ErrorCode.InvalidToken, reason });
  const parts = token.split('.');
  if (parts.length !== 3) return bad('not a JWT');
  const [h, p, sig] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = decodeJson(h);
    payload = decodeJson(p);
  } catch {
    return bad('undecodable');
  }
  if (
    typeof header !== 'object' ||
    header === null ||
    (header as { alg?: unknown }).alg !== 'HS256'
  ) {
    return bad('alg must be HS256');
  }
  const expected = createHmac('sha256', secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return bad('bad signature');
  }
  if (typeof payload !== 'object' || payload === null) return bad('payload not an object');
  const c = payload as Record<string, unknown>;
  if (typeof c.sub !== 'string' || c.sub.length === 0 || c.sub.length > 255) return bad('bad sub');
  if (typeof c.exp !== 'number') return bad('exp required');
  const expMs = c.exp * 1000;
  if (expMs + CLOCK_SKEW_MS <= now)
    return { ok: false, code: ErrorCode.TokenExpired, reason: 'expired' };
  if (expMs - now > MAX_IDENTITY_TTL_MS)
    return bad('exp too far ahead: identity tokens must be short-lived');
  const claims: IdentityClaims = { sub: c.sub, exp: c.exp };
  if (typeof c.name === 'string') claims.name = c.name.slice(0, 120);
  if (typeof c.email === 'string') claims.email = c.email.slice(0, 254);
  return { ok: true, claims };
}

/** Sign an identity token (what a brand's backend does; used by examples and tests). */
export function signIdentityToken(claims: IdentityClaims, secret: string): string {
  const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const s = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${s}`;
}
