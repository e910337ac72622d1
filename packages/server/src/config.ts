/** Server configuration: defaults, env vars and CLI flags, validated once at start-up. */
import * as v from 'valibot';
import { DEFAULT_HEARTBEAT_MS } from '@causette/shared';

const LogLevel = v.picklist(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

export const ConfigSchema = v.object({
  port: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(65535)),
  host: v.pipe(v.string(), v.minLength(1)),
  /** Folder holding the SQLite database; ignored when `dbPath` is set. */
  dataDir: v.pipe(v.string(), v.minLength(1)),
  /** Explicit database path (`:memory:` for tests). */
  dbPath: v.optional(v.string()),
  logLevel: LogLevel,
  heartbeatMs: v.pipe(v.number(), v.integer(), v.minValue(50), v.maxValue(600_000)),
  /** A socket whose unsent bytes pass this is closed with 4008 (slow consumer). */
  maxBufferedBytes: v.pipe(v.number(), v.integer(), v.minValue(1024)),
  /** Per-connection token bucket: sustained frames per second and burst. */
  rateLimitPerSecond: v.pipe(v.number(), v.minValue(1)),
  rateLimitBurst: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** New anonymous sessions per client IP per minute. */
  sessionsPerMinute: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Open sockets one visitor (contact) may hold at once: its tabs and devices. */
  maxSocketsPerContact: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Origins allowed for the default app created on first start. */
  allowedOrigins: v.array(v.string()),
  /** Folder with the widget bundles served under /widget/ (optional). */
  widgetDir: v.optional(v.string()),
  /** Serve the demo page at `/`. */
  demo: v.boolean(),
  /** Allow webhook endpoints on private/loopback addresses (tests, local dev only). */
  allowPrivateWebhooks: v.boolean(),
});
export type Config = v.InferOutput<typeof ConfigSchema>;

export const DEFAULT_CONFIG: Config = {
  port: 8787,
  host: '127.0.0.1',
  dataDir: './data',
  logLevel: 'info',
  heartbeatMs: DEFAULT_HEARTBEAT_MS,
  maxBufferedBytes: 1024 * 1024,
  rateLimitPerSecond: 20,
  rateLimitBurst: 40,
  sessionsPerMinute: 60,
  maxSocketsPerContact: 16,
  allowedOrigins: [],
  demo: true,
  allowPrivateWebhooks: false,
};

/** Merge partial options over defaults and validate; throws one readable error listing every problem. */
export function resolveConfig(partial: Partial<Config>): Config {
  const defined = Object.fromEntries(
    Object.entries(partial).filter(([, val]) => val !== undefined),
  );
  const r = v.safeParse(ConfigSchema, { ...DEFAULT_CONFIG, ...defined });
  if (!r.success) {
    const lines = r.issues.map((i) => {
      const key = i.path?.map((p) => String(p.key)).join('.') ?? '(config)';
      return `  ${key}: ${i.message} (got ${JSON.stringify(i.input)})`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return r.output;
}

export class ConfigError extends Error {
  readonly code = 'invalid_config';
}
