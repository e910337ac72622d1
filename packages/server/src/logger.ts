/** Structured logs (pino). Tokens, keys and secrets are redacted wherever they might appear. */
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'token',
  'visitorToken',
  'userToken',
  'apiKey',
  'identitySecret',
  'secret',
  'authorization',
  '*.token',
  '*.visitorToken',
  '*.userToken',
  '*.apiKey',
  '*.identitySecret',
  '*.secret',
  '*.authorization',
  'req.headers.authorization',
  'req.headers["sec-websocket-protocol"]',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  const opts = {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { svc: 'causette' },
  };
  return destination ? pino(opts, destination as never) : pino(opts);
}
