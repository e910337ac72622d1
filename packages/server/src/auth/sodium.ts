/**
 * libsodium loader. The standard `libsodium-wrappers` build lacks some functions its .d.ts
 * declares (crypto_pwhash, crypto_auth_hmacsha256, crypto_hash_sha256), so we assert at
 * start-up that every function we call exists instead of failing on first use.
 */
import { createRequire } from 'node:module';
import type SodiumTypes from 'libsodium-wrappers';

export type Sodium = typeof SodiumTypes;

// The package's ESM entry imports a file it does not ship under pnpm's strict layout
// (libsodium-wrappers 0.7.x); its CommonJS entry is complete, so load that one.
const sodiumModule = createRequire(import.meta.url)('libsodium-wrappers') as Sodium;

const REQUIRED = [
  'crypto_sign_keypair',
  'crypto_sign_detached',
  'crypto_sign_verify_detached',
  'crypto_sign_seed_keypair',
  'randombytes_buf',
  'to_base64',
  'from_base64',
] as const;

let ready: Promise<Sodium> | undefined;

export function loadSodium(): Promise<Sodium> {
  ready ??= sodiumModule.ready.then(() => {
    const missing = REQUIRED.filter(
      (name) => typeof (sodiumModule as unknown as Record<string, unknown>)[name] !== 'function',
    );
    if (missing.length > 0) {
      throw new Error(`libsodium build lacks required functions: ${missing.join(', ')}`);
    }
    return sodiumModule;
  });
  return ready;
}
