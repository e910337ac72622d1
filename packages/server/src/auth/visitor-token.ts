/**
 * Session tokens for visitors, signed by the server with Ed25519 (libsodium):
 * `base64url(payload).base64url(signature)`. Payload: app, contact, expiry.
 */
import { ErrorCode } from '@causette/shared';
import type { Sodium } from './sodium.js';

export interface SessionClaims {
  /** App id. */
  app: string;
  /** Contact id. */
  sub: string;
  /** Expiry, ms since epoch. */
  exp: number;
  /** Identified (true) or anonymous contact. */
  idf: boolean;
}

export type VerifyResult =
  | { ok: true; claims: SessionClaims }
  | { ok: false; code: typeof ErrorCode.InvalidToken | typeof ErrorCode.TokenExpired };

export class SessionSigner {
  constructor(
    private readonly sodium: Sodium,
    private readonly keys: { publicKey: Uint8Array; privateKey: Uint8Array },
  ) {}

  sign(claims: SessionClaims): string {
    const s = this.sodium;
    const body = s.to_base64(JSON.stringify(claims), s.base64_variants.URLSAFE_NO_PADDING);
    const sig = s.crypto_sign_detached(body, this.keys.privateKey);
    return `${body}.${s.to_base64(sig, s.base64_variants.URLSAFE_NO_PADDING)}`;
  }

  verify(token: string, now = Date.now()): VerifyResult {
    const s = this.sodium;
    const bad = { ok: false, code: ErrorCode.InvalidToken } as const;
    if (token.length > 2048) return bad;
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return bad;
    const body = token.slice(0, dot);
    let claims: unknown;
    try {
      const sig = s.from_base64(token.slice(dot + 1), s.base64_variants.URLSAFE_NO_PADDING);
      if (!s.crypto_sign_verify_detached(sig, body, this.keys.publicKey)) return bad;
      claims = JSON.parse(s.to_string(s.from_base64(body, s.base64_variants.URLSAFE_NO_PADDING)));
    } catch {
      return bad;
    }
    if (!isClaims(claims)) return bad;
    if (claims.exp <= now) return { ok: false, code: ErrorCode.TokenExpired };
    return { ok: true, claims };
  }
}

function isClaims(c: unknown): c is SessionClaims {
  if (typeof c !== 'object' || c === null) return false;
  const r = c as Record<string, unknown>;
  return (
    typeof r.app === 'string' &&
    typeof r.sub === 'string' &&
    typeof r.exp === 'number' &&
    typeof r.idf === 'boolean'
  );
}
