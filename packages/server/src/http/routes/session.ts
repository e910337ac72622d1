/**
 * `POST /v1/session`: start, refresh or upgrade a visitor session. Public but origin-checked;
 * a valid identity JWT upgrades to the identified contact and merges the anonymous history.
 */
import { Hono } from 'hono';
import { ErrorCode, SessionRequest, type SessionResponse } from '@causette/shared';
import type { AppEnv, Services } from '../env.js';
import { jsonError, readBody, statusOf } from '../errors.js';
import { originAllowed } from '../origin.js';
import { verifyIdentityToken } from '../../auth/identity-jwt.js';
import { WindowLimiter } from '../../realtime/rate-limit.js';
import { clientIp, selfOrigin } from '../request-info.js';

/** Anonymous sessions last this long; the SDK refreshes the token on every connect. */
export const SESSION_TTL_MS = 180 * 24 * 60 * 60 * 1000;

export function sessionRoutes(s: Services) {
  const limiter = new WindowLimiter(s.config.sessionsPerMinute, 60_000);
  return new Hono<AppEnv>().post('/v1/session', async (c) => {
    const body = await readBody(c, SessionRequest);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const req = body.value;
    const app = await s.store.getApp(req.appId);
    if (!app) return jsonError(c, 404, ErrorCode.UnknownApp, 'unknown app');
    if (!originAllowed(app, c.req.header('origin'), selfOrigin(c))) {
      return jsonError(c, 403, ErrorCode.ForbiddenOrigin, 'origin not allowed for this app');
    }

    // The current anonymous/identified contact from a previous token, if still valid.
    let current: { id: string; identified: boolean } | null = null;
    if (req.visitorToken !== undefined) {
      // One code for every refusal of the stored token, apart from the user token's own: the
      // client then asks again without it, and keeps the user token it sent along.
      const refused = (why: string) => jsonError(c, 401, ErrorCode.InvalidVisitorToken, why);
      const v = s.signer.verify(req.visitorToken);
      if (!v.ok)
        return refused(
          v.code === ErrorCode.TokenExpired ? 'visitor token expired' : 'visitor token rejected',
        );
      if (v.claims.app !== app.id) return refused('visitor token rejected');
      const contact = await s.store.getContact(app.id, v.claims.sub);
      // A merged anonymous contact's old token must not open the identified contact's threads.
      if (!contact || contact.mergedInto !== null) return refused('visitor token rejected');
      current = { id: contact.id, identified: contact.externalId !== null };
    }

    let contactId: string;
    let identified: boolean;
    if (req.userToken !== undefined) {
      const idt = verifyIdentityToken(req.userToken, app.identitySecret);
      if (!idt.ok) return jsonError(c, 401, idt.code, `identity token rejected: ${idt.reason}`);
      const fields: { name?: string; email?: string } = {};
      if (idt.claims.name !== undefined) fields.name = idt.claims.name;
      if (idt.claims.email !== undefined) fields.email = idt.claims.email;
      const { contact, created } = await s.store.upsertIdentifiedContact(
        app.id,
        idt.claims.sub,
        fields,
      );
      // The anonymous contact this visitor was until now, merged into the identified one.
      const from = current?.identified === false ? current.id : null;
      const merge = from === null ? null : await s.store.mergeContact(app.id, from, contact.id);
      // contact.identified / contact.merged are in the outbox: deliver them now, not at the
      // dispatcher's next poll.
      if (created || merge?.merged) s.webhooks.wake();
      contactId = contact.id;
      identified = true;
    } else if (current) {
      contactId = current.id;
      identified = current.identified;
    } else {
      if (!limiter.hit(clientIp(c))) {
        return jsonError(c, 429, ErrorCode.RateLimited, 'too many new sessions from this address');
      }
      contactId = (await s.store.createContact(app.id)).id;
      identified = false;
    }
    const expiresAt = Date.now() + SESSION_TTL_MS;
    const token = s.signer.sign({ app: app.id, sub: contactId, exp: expiresAt, idf: identified });
    const res: SessionResponse = { token, contactId, identified, expiresAt };
    return c.json(res);
  });
}
