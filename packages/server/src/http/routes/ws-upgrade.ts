/**
 * `GET /v1/ws`: decides whether a WebSocket upgrade may proceed (token from the offered
 * subprotocol `causette.token.<token>`, Origin against the app). The ws adapter upgrades
 * only when this route accepted; otherwise the JSON error is written as the HTTP answer.
 */
import { Hono } from 'hono';
import { ErrorCode, WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from '@causette/shared';
import type { AppEnv, Services } from '../env.js';
import { jsonError } from '../errors.js';
import { originAllowed } from '../origin.js';
import { selfOrigin } from '../request-info.js';

export function wsUpgradeRoutes(s: Services) {
  return new Hono<AppEnv>().get('/v1/ws', async (c) => {
    if (!c.env?.upgrade || c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      return jsonError(c, 426, ErrorCode.BadFrame, 'WebSocket upgrade required');
    }
    if (!s.isReady()) return jsonError(c, 503, ErrorCode.Unavailable, 'server not ready');
    const offered = (c.req.header('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(WS_SUBPROTOCOL)) {
      return jsonError(c, 400, ErrorCode.UnsupportedVersion, `offer subprotocol ${WS_SUBPROTOCOL}`);
    }
    const token = offered.find((p) => p.startsWith(WS_TOKEN_PREFIX))?.slice(WS_TOKEN_PREFIX.length);
    if (!token) return jsonError(c, 401, ErrorCode.Unauthorized, 'session token required');
    const v = s.signer.verify(token);
    if (!v.ok) return jsonError(c, 401, v.code, 'session token rejected');
    const app = await s.store.getApp(v.claims.app);
    if (!app) return jsonError(c, 401, ErrorCode.InvalidToken, 'session token rejected');
    if (!originAllowed(app, c.req.header('origin'), selfOrigin(c))) {
      return jsonError(c, 403, ErrorCode.ForbiddenOrigin, 'origin not allowed for this app');
    }
    const contact = await s.store.getContact(app.id, v.claims.sub);
    if (!contact || contact.mergedInto !== null) {
      return jsonError(c, 401, ErrorCode.InvalidToken, 'session token rejected');
    }
    if (s.socketsOf(contact.id) >= s.config.maxSocketsPerContact) {
      return jsonError(
        c,
        429,
        ErrorCode.TooManyConnections,
        `at most ${s.config.maxSocketsPerContact} open sockets per visitor`,
      );
    }
    c.env.upgrade.accepted = { appId: app.id, contactId: contact.id };
    return c.body(null, 200);
  });
}
