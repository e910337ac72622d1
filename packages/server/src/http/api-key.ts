/** Back-office authentication: `Authorization: Bearer <api key>`, scoped to one app. */
import type { MiddlewareHandler } from 'hono';
import { ErrorCode } from '@causette/shared';
import type { AppEnv, Services } from './env.js';
import { jsonError } from './errors.js';
import { bearer, hashApiKey } from '../auth/api-keys.js';

export function requireApiKey(s: Services): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = bearer(c.req.header('authorization'));
    if (!key)
      return jsonError(c, 401, ErrorCode.Unauthorized, 'API key required (Authorization: Bearer)');
    const found = await s.store.findApiKey(hashApiKey(key));
    if (!found) return jsonError(c, 401, ErrorCode.InvalidToken, 'API key invalid or revoked');
    c.set('appId', found.appId);
    await next();
  };
}
