/** The Hono app: every HTTP route (and the WebSocket upgrade decision) in one place. */
import { IncomingMessage } from 'node:http';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { ErrorCode } from '@causette/shared';
import type { AppEnv, Services } from './env.js';
import { jsonError } from './errors.js';
import { lingerOnClose } from './lingering-close.js';
import { healthRoutes } from './routes/health.js';
import { sessionRoutes } from './routes/session.js';
import { wsUpgradeRoutes } from './routes/ws-upgrade.js';
import { appSettingsRoutes } from './routes/app-settings.js';
import { threadMessageRoutes } from './routes/thread-messages.js';
import { bridgeThreadRoutes } from './routes/bridge-threads.js';
import { bridgeContactRoutes } from './routes/bridge-contacts.js';
import { bridgeAppRoutes } from './routes/bridge-app.js';
import { bridgeWebhookRoutes } from './routes/bridge-webhooks.js';
import { openApiRoutes } from './routes/openapi.js';

/** Extra routes (demo page, widget files, bridge) mounted by the server. */
export type RouteModule = (s: Services) => Hono<AppEnv>;

export function createHttpApp(s: Services, extra: RouteModule[] = []): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // A body refused as too large was not read to its end. Kept open, the connection would
  // first have to read and discard the rest (Node does, to reach the next request): with a
  // declared length of 500 MB, that was 500 MB read for a 413. Closing it ends the upload;
  // the close lingers, so that a client still sending reads the 413 instead of a reset.
  app.use(async (c, next) => {
    await next();
    if (c.res.status !== 413) return;
    c.res.headers.set('Connection', 'close');
    const incoming: unknown = (c.env as { incoming?: unknown } | undefined)?.incoming;
    if (incoming instanceof IncomingMessage) lingerOnClose(incoming);
  });
  // Visitor endpoints are called from brands' pages; the handlers check the app's origins.
  app.use('/v1/session', cors({ origin: (o) => o, allowMethods: ['POST'], maxAge: 600 }));
  app.use('/v1/apps/*', cors({ origin: (o) => o, allowMethods: ['GET'], maxAge: 600 }));
  app.route('/', healthRoutes(s));
  app.route('/', sessionRoutes(s));
  app.route('/', wsUpgradeRoutes(s));
  app.route('/', appSettingsRoutes(s));
  app.route('/', threadMessageRoutes(s));
  app.route('/', bridgeThreadRoutes(s));
  app.route('/', bridgeContactRoutes(s));
  app.route('/', bridgeAppRoutes(s));
  app.route('/', bridgeWebhookRoutes(s));
  app.route('/', openApiRoutes(s));
  for (const m of extra) app.route('/', m(s));
  app.notFound((c) => jsonError(c, 404, ErrorCode.NotFound, 'no such route'));
  app.onError((err, c) => {
    s.logger.error({ err, path: c.req.path }, 'unhandled error');
    return jsonError(c, 500, ErrorCode.Internal, 'internal error');
  });
  return app;
}
