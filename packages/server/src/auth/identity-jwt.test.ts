import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import { MAX_IDENTITY_TTL_MS, signIdentityToken, verifyIdentityToken } from './identity-jwt.js';

const secret = 'brand-secret';
const now = 1_800_000_000_000;
const exp = Math.floor(now / 1000) + 600;

function forge(header: object, payload: object, key = secret): string {
  const h = Buffer.from(JSON.stringify(header)).toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${h}.${p}.${createHmac('sha256', key).update(`${h}.${p}`).digest('base64url')}`;
}

describe('identity JWT verification', () => {
  it('accepts a valid HS256 token and returns its signed claims', () => {
    const t = signIdentityToken({ sub: 'u-1', exp, name: 'Zoé', email: 'z@example.com' }, secret);
    expect(verifyIdentityToken(t, secret, now)).toEqual({
      ok: true,
      claims: { sub: 'u-1', exp, name: 'Zoé', email: 'z@example.com' },
    });
  });

  const bad: [string, string, string][] = [
    ['signed with another secret', signIdentityToken({ sub: 'u', exp }, 'other'), 'invalid_token'],
    [
      'expired',
      signIdentityToken({ sub: 'u', exp: Math.floor(now / 1000) - 120 }, secret),
      'token_expired',
    ],
    [
      'valid for too long',
      signIdentityToken({ sub: 'u', exp: exp + MAX_IDENTITY_TTL_MS / 1000 }, secret),
      'invalid_token',
    ],
    [
      'alg none',
      `${forge({ alg: 'none' }, { sub: 'u', exp }).split('.').slice(0, 2).join('.')}.`,
      'invalid_token',
    ],
    ['alg HS512', forge({ alg: 'HS512' }, { sub: 'u', exp }), 'invalid_token'],
    ['without exp', forge({ alg: 'HS256' }, { sub: 'u' }), 'invalid_token'],
    ['without sub', forge({ alg: 'HS256' }, { exp }), 'invalid_token'],
    ['not a JWT', 'abc', 'invalid_token'],
    ['garbage parts', 'a.b.c', 'invalid_token'],
  ];
  it.each(bad)('rejects a token %s', (_, token, code) => {
    const r = verifyIdentityToken(token, secret, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe(code);
  });

  it('rejects a token whose payload was changed after signing', () => {
    const [h, , s] = signIdentityToken({ sub: 'alice', exp }, secret).split('.');
    const p = Buffer.from(JSON.stringify({ sub: 'mallory', exp })).toString('base64url');
    expect(verifyIdentityToken(`${h}.${p}.${s}`, secret, now).ok).toBe(false);
  });
});
