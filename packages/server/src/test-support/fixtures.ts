/** Test fixtures: a real server on a free port with an in-memory or temp-file database. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@causette/shared';
import { startServer, type RunningServer, type StartOptions } from '../server.js';
import { generateApiKey } from '../auth/api-keys.js';
import { DEFAULT_SETTINGS } from '../store/sqlite/rows.js';

export interface Fixture extends RunningServer {
  apiKey: string;
  dataDir: string;
  cleanup(): Promise<void>;
}

export async function serverFixture(opts: StartOptions = {}): Promise<Fixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'causette-test-'));
  const s = await startServer({ port: 0, dataDir, logLevel: 'silent', demo: false, ...opts });
  if (!s.apiKey) throw new Error('fixture expects a fresh database');
  return {
    ...s,
    apiKey: s.apiKey,
    dataDir,
    cleanup: async () => {
      await s.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A second app in the same server (for cross-tenant tests). */
export async function createOtherApp(
  s: RunningServer,
): Promise<{ appId: string; apiKey: string; identitySecret: string }> {
  const appId = `app_${newId().replace(/-/g, '').slice(0, 20)}`;
  const identitySecret = 'other-secret-' + newId();
  await s.store.createApp({
    id: appId,
    name: 'Other',
    identitySecret,
    allowedOrigins: [],
    settings: DEFAULT_SETTINGS,
    createdAt: Date.now(),
  });
  const k = generateApiKey();
  await s.store.createApiKey({ id: newId(), appId, name: 'k', prefix: k.prefix, hash: k.hash });
  return { appId, apiKey: k.key, identitySecret };
}

export async function api(
  s: { url: string },
  key: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  const init: RequestInit = {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers },
  };
  if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
  const res = await fetch(`${s.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}
