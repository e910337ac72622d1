#!/usr/bin/env node
/**
 * `causette serve` starts the server; `causette init` creates the database and default app and
 * prints its credentials. Flags override env vars (CAUSETTE_*), which override defaults.
 */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { ConfigError, resolveConfig, type Config } from './config.js';
import { startServer } from './server.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import { bootstrapDefaultApp, type BootstrapCredentials } from './bootstrap.js';
import { KEYS_USAGE, keysCommand, webhookOptionsFromEnv } from './cli-keys.js';

const USAGE = `Usage:
  causette serve [--port 8787] [--host 127.0.0.1] [--data ./data] [--log-level info]
                 [--allowed-origins https://a.example,https://b.example] [--no-demo]
                 [--heartbeat-ms 25000] [--rate-limit 20] [--sessions-per-minute 60]
                 [--max-sockets-per-contact 16] [--allow-private-webhooks]
  causette init  [--data ./data] [--allowed-origins ...] [--json]
${KEYS_USAGE}

Env: CAUSETTE_PORT, CAUSETTE_HOST, CAUSETTE_DATA, CAUSETTE_LOG_LEVEL, CAUSETTE_ALLOWED_ORIGINS,
     CAUSETTE_HEARTBEAT_MS, CAUSETTE_RATE_LIMIT (frames/s per socket, burst 2x),
     CAUSETTE_SESSIONS_PER_MINUTE (new anonymous sessions per IP),
     CAUSETTE_MAX_SOCKETS_PER_CONTACT (open sockets per visitor), CAUSETTE_ALLOW_PRIVATE_WEBHOOKS=1,
     CAUSETTE_WEBHOOK_SCHEDULE_MS (retry delays, e.g. 0,5000,300000), CAUSETTE_WEBHOOK_TIMEOUT_MS,
     CAUSETTE_WEBHOOK_RETENTION_DAYS (webhook delivery log kept, default 30; 0 keeps all)`;

const num = (s: string | undefined) => (s === undefined || s === '' ? undefined : Number(s));
const list = (s: string | undefined) =>
  s === undefined
    ? undefined
    : s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean);

function configFrom(argv: string[]): {
  command: string;
  config: Config;
  json: boolean;
  args: string[];
  name: string | undefined;
} {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      data: { type: 'string' },
      'log-level': { type: 'string' },
      'allowed-origins': { type: 'string' },
      'heartbeat-ms': { type: 'string' },
      'rate-limit': { type: 'string' },
      'sessions-per-minute': { type: 'string' },
      'max-sockets-per-contact': { type: 'string' },
      'no-demo': { type: 'boolean' },
      'allow-private-webhooks': { type: 'boolean' },
      json: { type: 'boolean' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const command = positionals[0] ?? 'serve';
  if (values.help || !['serve', 'init', 'keys'].includes(command)) {
    console.log(USAGE);
    process.exit(values.help ? 0 : 2);
  }
  const env = process.env;
  const config = resolveConfig({
    port: num(values.port ?? env.CAUSETTE_PORT),
    host: values.host ?? env.CAUSETTE_HOST,
    dataDir: values.data ?? env.CAUSETTE_DATA,
    logLevel: (values['log-level'] ?? env.CAUSETTE_LOG_LEVEL) as Config['logLevel'] | undefined,
    allowedOrigins: list(values['allowed-origins'] ?? env.CAUSETTE_ALLOWED_ORIGINS),
    heartbeatMs: num(values['heartbeat-ms'] ?? env.CAUSETTE_HEARTBEAT_MS),
    rateLimitPerSecond: num(values['rate-limit'] ?? env.CAUSETTE_RATE_LIMIT),
    rateLimitBurst: (() => {
      const r = num(values['rate-limit'] ?? env.CAUSETTE_RATE_LIMIT);
      return r === undefined ? undefined : Math.max(1, Math.round(r * 2));
    })(),
    sessionsPerMinute: num(values['sessions-per-minute'] ?? env.CAUSETTE_SESSIONS_PER_MINUTE),
    maxSocketsPerContact: num(
      values['max-sockets-per-contact'] ?? env.CAUSETTE_MAX_SOCKETS_PER_CONTACT,
    ),
    demo: values['no-demo'] ? false : undefined,
    allowPrivateWebhooks:
      values['allow-private-webhooks'] || env.CAUSETTE_ALLOW_PRIVATE_WEBHOOKS === '1'
        ? true
        : undefined,
  } as Partial<Config>);
  return {
    command,
    config,
    json: values.json ?? false,
    args: positionals.slice(1),
    name: values.name,
  };
}

function banner(c: BootstrapCredentials, url?: string): string {
  return [
    '',
    '  Causette: first start, default app created. These are shown ONCE (the key is stored hashed):',
    `    App id           ${c.appId}`,
    `    API key          ${c.apiKey}`,
    `    Identity secret  ${c.identitySecret}`,
    ...(url ? [`    Demo             ${url}/`] : []),
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  let parsed;
  let webhooks;
  try {
    parsed = configFrom(process.argv.slice(2));
    webhooks = webhookOptionsFromEnv(process.env);
  } catch (e) {
    if (e instanceof ConfigError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`causette: ${(e as Error).message}\n\n${USAGE}`);
      process.exit(2);
    }
    throw e;
  }
  const { command, config, json } = parsed;
  if (command === 'init') {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(config.dataDir, { recursive: true });
    const store = new SqliteStore(join(config.dataDir, 'causette.db'));
    const creds = await bootstrapDefaultApp(store, config.allowedOrigins);
    await store.close();
    if (!creds) {
      console.error('causette: this database already has an app; credentials are only shown once.');
      process.exit(1);
    }
    console.log(json ? JSON.stringify(creds) : banner(creds));
    return;
  }
  if (command === 'keys') {
    process.exit(await keysCommand(config.dataDir, parsed.args, { name: parsed.name, json }));
  }
  // Signal handlers first: a SIGTERM that arrives while starting still shuts down cleanly.
  const starting = startServer({ ...config, webhooks });
  let signals = 0;
  const shutdown = () => {
    if (++signals > 1) process.exit(1);
    starting
      .then((server) => server.stop())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  const server = await starting;
  if (server.credentials) {
    console.log(banner(server.credentials, config.demo === false ? undefined : server.url));
  }
}

main().catch((e: unknown) => {
  console.error(`causette: ${(e as Error).stack ?? String(e)}`);
  process.exit(1);
});
