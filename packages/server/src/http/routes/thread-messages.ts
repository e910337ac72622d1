/**
 * Agent path (API key): page a thread's history and post a reply that reaches the visitor
 * live. Replies are idempotent with an `Idempotency-Key` header.
 */
import { Hono } from 'hono';
import {
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  HistoryQuery,
  ID_PATTERN,
  PostMessageBody,
  type Author,
} from '@causette/shared';
import { createHash } from 'node:crypto';
import type { AppEnv, Services } from '../env.js';
import { jsonError, readBody, readQuery, statusOf } from '../errors.js';
import { requireApiKey } from '../api-key.js';

export function threadMessageRoutes(s: Services) {
  const r = new Hono<AppEnv>();
  r.use('/v1/threads/*', requireApiKey(s));

  r.get('/v1/threads/:id/messages', async (c) => {
    const q = readQuery(c, HistoryQuery);
    if (!q.ok) return jsonError(c, 400, q.code, q.message);
    const thread = await s.store.getThread(c.var.appId, c.req.param('id'));
    if (!thread) return jsonError(c, 404, ErrorCode.NotFound, 'thread not found');
    const query: { beforeSeq?: number; afterSeq?: number; limit: number } = {
      limit: q.value.limit ?? DEFAULT_PAGE_SIZE,
    };
    if (q.value.before !== undefined) query.beforeSeq = q.value.before;
    if (q.value.after !== undefined) query.afterSeq = q.value.after;
    const page = await s.store.history(thread.id, query);
    const first = page.messages[0];
    const last = page.messages[page.messages.length - 1];
    return c.json({
      threadId: thread.id,
      messages: page.messages,
      hasMore: page.hasMore,
      // Cursors: pass `before` for older, `after` for newer.
      cursors: { before: first?.seq ?? null, after: last?.seq ?? null },
    });
  });

  r.post('/v1/threads/:id/messages', async (c) => {
    const idem = c.req.header('idempotency-key');
    if (idem !== undefined && !ID_PATTERN.test(idem)) {
      return jsonError(
        c,
        400,
        ErrorCode.ValidationFailed,
        'Idempotency-Key must match [A-Za-z0-9_-]{1,64}',
      );
    }
    const body = await readBody(c, PostMessageBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const thread = await s.store.getThread(c.var.appId, c.req.param('id'));
    if (!thread) return jsonError(c, 404, ErrorCode.NotFound, 'thread not found');
    const a = body.value.author ?? {};
    const author: Author = { kind: a.kind ?? 'agent' };
    if (a.id !== undefined) author.id = a.id;
    if (a.name !== undefined) author.name = a.name;
    if (a.avatarUrl !== undefined) author.avatarUrl = a.avatarUrl;
    const res = await s.messaging.post({
      appId: thread.appId,
      contactId: thread.contactId,
      threadId: thread.id,
      clientId: idem === undefined ? null : idempotencyClientId(idem),
      author,
      text: body.value.text,
      metadata: body.value.metadata,
    });
    if (!res.ok) return jsonError(c, 404, ErrorCode.NotFound, res.message);
    if (res.duplicate && res.message.text !== body.value.text) {
      return jsonError(
        c,
        409,
        ErrorCode.IdempotencyConflict,
        'Idempotency-Key reused with another body',
      );
    }
    return c.json({ message: res.message, duplicate: res.duplicate }, res.duplicate ? 200 : 201);
  });

  return r;
}

/**
 * The client id an agent reply is stored under for its `Idempotency-Key` (1-64 characters):
 * `idem_<key>` while that fits a client id's 64 characters, else `idemh_` and the key's
 * SHA-256 (base64url, 43 characters). Never a cut of the key: two keys that differ only past
 * their 59th character must stay two replies.
 */
function idempotencyClientId(key: string): string {
  const plain = `idem_${key}`;
  if (plain.length <= 64) return plain;
  return `idemh_${createHash('sha256').update(key).digest('base64url')}`;
}
