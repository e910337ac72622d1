/**
 * `causette keys create|list|revoke`: manage the default app's API keys on the database
 * directly (no server needed). A new key is printed once; only its SHA-256 hash is stored.
 */
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { newId } from '@causette/shared';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { generateApiKey } from './auth/api-keys.js';
import type { WebhookOptions } from './server.js';
import { ConfigError } from './config.js';

export const KEYS_USAGE = `  causette keys create [--name NAME] [--data ./data] [--json]
  causette keys list   [--data ./data] [--json]
  causette keys revoke KEY_ID [--data ./data]`;

/** Runs a `keys` subcommand; returns the process exit code. */
export async function keysCommand(
  dataDir: string,
  args: string[],
  opts: { name?: string | undefined; json: boolean },
): Promise<number> {
  const path = join(dataDir, 'causette.db');
  if (!existsSync(path)) {
    console.error(`causette: no database at ${path} (run \`causette init\` first)`);
    return 1;
  }
  const store = new SqliteStore(path);
  try {
    const appId = await store.getMeta('default_app_id');
    if (!appId) {
      console.error('causette: this database has no default app');
      return 1;
    }
    const [sub, id] = args;
    if (sub === 'create') {
      const k = generateApiKey();
      const keyId = newId();
      const name = opts.name ?? 'cli';
      await store.createApiKey({ id: keyId, appId, name, prefix: k.prefix, hash: k.hash });
      console.log(
        opts.json
          ? JSON.stringify({ id: keyId, name, key: k.key })
          : `API key "${name}" (${keyId}), shown once:\n  ${k.key}`,
      );
      return 0;
    }
    if (sub === 'list') {
      const keys = await store.listApiKeys(appId);
      if (opts.json) console.log(JSON.stringify(keys));
      else
        for (const k of keys)
          console.log(
            `${k.id}  ${k.prefix}…  ${k.name}  ${k.revokedAt ? `revoked ${new Date(k.revokedAt).toISOString()}` : 'active'}`,
          );
      return 0;
    }
    if (sub === 'revoke' && id) {
      const ok = await store.revokeApiKey(appId, id);
      console.log(ok ? `revoked ${id}` : `no active key ${id}`);
      return ok ? 0 : 1;
    }
    console.error(`Usage:\n${KEYS_USAGE}`);
    return 2;
  } finally {
    await store.close();
  }
}

/**
 * Webhook dispatcher tuning from the environment (local testing of retries):
 * `CAUSETTE_WEBHOOK_SCHEDULE_MS=0,1000,5000` and `CAUSETTE_WEBHOOK_TIMEOUT_MS=15000`; and how
 * long the delivery log is kept: `CAUSETTE_WEBHOOK_RETENTION_DAYS=30` (0 keeps it all).
 */
export function webhookOptionsFromEnv(env: NodeJS.ProcessEnv): WebhookOptions {
  const out: WebhookOptions = {};
  const sched = env.CAUSETTE_WEBHOOK_SCHEDULE_MS;
  if (sched) {
    const steps = sched.split(',').map((x) => Number(x.trim()));
    if (steps.length === 0 || steps.some((n) => !Number.isInteger(n) || n < 0))
      throw new ConfigError(
        'CAUSETTE_WEBHOOK_SCHEDULE_MS must be comma-separated non-negative integers',
      );
    out.schedule = steps;
  }
  if (env.CAUSETTE_WEBHOOK_TIMEOUT_MS) {
    const timeout = Number(env.CAUSETTE_WEBHOOK_TIMEOUT_MS);
    if (!Number.isInteger(timeout) || timeout <= 0)
      throw new ConfigError(
        'CAUSETTE_WEBHOOK_TIMEOUT_MS must be a positive whole number of milliseconds',
      );
    out.timeoutMs = timeout;
  }
  const days = env.CAUSETTE_WEBHOOK_RETENTION_DAYS;
  if (days !== undefined && days !== '') {
    const n = Number(days);
    if (!Number.isFinite(n) || n < 0)
      throw new ConfigError(
        'CAUSETTE_WEBHOOK_RETENTION_DAYS must be a number of days >= 0 (0 keeps all)',
      );
    out.retentionMs = n * 24 * 3600_000;
  }
  return out;
}
