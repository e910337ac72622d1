/** `GET /v1/apps/{appId}/settings`: the public settings the widget shows (greeting, away, form). */
import { Hono } from 'hono';
import { ErrorCode } from '@causette/shared';
import type { AppEnv, Services } from '../env.js';
import { jsonError } from '../errors.js';

export function appSettingsRoutes(s: Services) {
  return new Hono<AppEnv>().get('/v1/apps/:appId/settings', async (c) => {
    const app = await s.store.getApp(c.req.param('appId'));
    if (!app) return jsonError(c, 404, ErrorCode.UnknownApp, 'unknown app');
    return c.json({ appId: app.id, name: app.name, ...app.settings });
  });
}
