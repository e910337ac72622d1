/** Small facts about the request: the client IP and this server's own origin. */
import type { Context } from 'hono';
import type { AppEnv } from './env.js';

export function clientIp(c: Context<AppEnv>): string {
  return c.env?.ip ?? c.env?.incoming?.socket?.remoteAddress ?? 'unknown';
}

export function selfOrigin(c: Context<AppEnv>): string {
  const u = new URL(c.req.url);
  return `${u.protocol}//${u.host}`;
}
