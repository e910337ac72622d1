/**
 * Back-office threads (API key): list with filters and cursor pagination, get, patch status /
 * assignee / tags, close / reopen, agent read cursor and agent typing. Every change is
 * published on the bus so the visitor sees it live, and reaches webhooks through the outbox.
 */
import { Hono, type Context } from 'hono';
import {
  AgentReadBody,
  AgentReadResponse,
  AgentTypingBody,
  DEFAULT_PAGE_SIZE,
  ErrorCode,
  ThreadListQuery,
  ThreadPage,
  ThreadPatchBody,
  ThreadResource,
  type Author,
  type ThreadPatchBody as Patch,
} from '@causette/shared';
import type * as v from 'valibot';
import type { AppEnv, Services } from '../env.js';
import { jsonError, readBody, readQuery, statusOf } from '../errors.js';
import { decodeCursor, keysetPage, param } from '../bridge-util.js';
import { threadResource } from '../resources.js';
import { mount, op } from '../openapi/spec.js';
import type { ThreadFilter, ThreadPatch } from '../../store/store.js';

const thread200 = { 200: { description: 'The thread', schema: ThreadResource } };

export const threadSpecs = {
  list: op({
    method: 'get',
    path: '/v1/threads',
    tag: 'threads',
    summary: 'List threads',
    description:
      'Filters combine with AND. Ordered by last activity (`updatedAt`), newest first unless ' +
      '`order=asc` (use `order=asc&updatedSince=...` to sync changes). Pass `nextCursor` back ' +
      'as `cursor` for the next page.',
    auth: 'apiKey',
    query: ThreadListQuery,
    responses: { 200: { description: 'A page of threads', schema: ThreadPage } },
  }),
  get: op({
    method: 'get',
    path: '/v1/threads/{id}',
    tag: 'threads',
    summary: 'Get a thread',
    auth: 'apiKey',
    responses: thread200,
  }),
  patch: op({
    method: 'patch',
    path: '/v1/threads/{id}',
    tag: 'threads',
    summary: 'Update status, assignee or tags',
    description: 'Emits `thread.updated` and pushes the new status to the visitor live.',
    auth: 'apiKey',
    body: ThreadPatchBody,
    responses: thread200,
  }),
  close: op({
    method: 'post',
    path: '/v1/threads/{id}/close',
    tag: 'threads',
    summary: 'Close a thread',
    auth: 'apiKey',
    responses: thread200,
  }),
  reopen: op({
    method: 'post',
    path: '/v1/threads/{id}/reopen',
    tag: 'threads',
    summary: 'Reopen a thread',
    auth: 'apiKey',
    responses: thread200,
  }),
  read: op({
    method: 'post',
    path: '/v1/threads/{id}/read',
    tag: 'threads',
    summary: 'Move the agent read cursor',
    description:
      'The visitor sees read marks up to `seq` (capped at the last message); never moves back.',
    auth: 'apiKey',
    body: AgentReadBody,
    responses: { 200: { description: 'The cursor after the call', schema: AgentReadResponse } },
  }),
  typing: op({
    method: 'post',
    path: '/v1/threads/{id}/typing',
    tag: 'threads',
    summary: 'Show or hide "agent is typing" to the visitor',
    description: 'Ephemeral: never stored, not a webhook event.',
    auth: 'apiKey',
    body: AgentTypingBody,
    responses: { 204: { description: 'Sent to the visitor’s live sockets' } },
  }),
};

export function bridgeThreadRoutes(s: Services) {
  const r = new Hono<AppEnv>();

  mount(r, s, threadSpecs.list, async (c) => {
    const q = readQuery(c, ThreadListQuery);
    if (!q.ok) return jsonError(c, 400, q.code, q.message);
    const limit = q.value.limit ?? DEFAULT_PAGE_SIZE;
    const f: ThreadFilter = { limit: limit + 1 };
    if (q.value.status !== undefined) f.status = q.value.status;
    if (q.value.assignee !== undefined) f.assignee = q.value.assignee;
    if (q.value.tag !== undefined) f.tag = q.value.tag;
    if (q.value.contactId !== undefined) f.contactId = q.value.contactId;
    if (q.value.updatedSince !== undefined) f.updatedSince = q.value.updatedSince;
    if (q.value.order !== undefined) f.order = q.value.order;
    if (q.value.cursor !== undefined) {
      const cur = decodeCursor(q.value.cursor);
      if (!cur) return jsonError(c, 400, ErrorCode.ValidationFailed, 'cursor: invalid cursor');
      f.after = { updatedAt: cur.time, id: cur.id };
    }
    const rows = await s.store.listThreads(c.var.appId, f);
    return c.json(keysetPage(rows, limit, threadResource, (r) => r.updatedAt));
  });

  mount(r, s, threadSpecs.get, async (c) => {
    const t = await s.store.adminThread(c.var.appId, param(c, 'id'));
    if (!t) return jsonError(c, 404, ErrorCode.NotFound, 'thread not found');
    return c.json(threadResource(t));
  });

  mount(r, s, threadSpecs.patch, async (c) => {
    const body = await readBody(c, ThreadPatchBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    return applyPatch(c, s, body.value);
  });
  mount(r, s, threadSpecs.close, (c) => applyPatch(c, s, { status: 'closed' }));
  mount(r, s, threadSpecs.reopen, (c) => applyPatch(c, s, { status: 'open' }));

  mount(r, s, threadSpecs.read, async (c) => {
    const body = await readBody(c, AgentReadBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const t = await s.store.getThread(c.var.appId, param(c, 'id'));
    if (!t) return jsonError(c, 404, ErrorCode.NotFound, 'thread not found');
    const seq = await s.store.setReadCursor(t.appId, t.id, 'agent', body.value.seq);
    s.bus.publish({
      type: 'read',
      appId: t.appId,
      contactId: t.contactId,
      threadId: t.id,
      reader: 'agent',
      seq,
    });
    s.webhooks.wake();
    return c.json({ threadId: t.id, seq } satisfies v.InferOutput<typeof AgentReadResponse>);
  });

  mount(r, s, threadSpecs.typing, async (c) => {
    const body = await readBody(c, AgentTypingBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const t = await s.store.getThread(c.var.appId, param(c, 'id'));
    if (!t) return jsonError(c, 404, ErrorCode.NotFound, 'thread not found');
    const a = body.value.author ?? {};
    const author: Author = { kind: a.kind ?? 'agent' };
    if (a.id !== undefined) author.id = a.id;
    if (a.name !== undefined) author.name = a.name;
    if (a.avatarUrl !== undefined) author.avatarUrl = a.avatarUrl;
    s.bus.publish({
      type: 'typing',
      appId: t.appId,
      contactId: t.contactId,
      threadId: t.id,
      author,
      on: body.value.on,
    });
    return c.body(null, 204);
  });

  return r;
}

/** Apply a patch; on a change, push the thread to the visitor and wake the webhooks. */
async function applyPatch(c: Context<AppEnv>, s: Services, body: Patch) {
  const patch: ThreadPatch = {};
  if (body.status !== undefined) patch.status = body.status;
  if (body.assignee !== undefined) patch.assignee = body.assignee;
  if (body.tags !== undefined) patch.tags = body.tags;
  const res = await s.store.updateThread(c.var.appId, param(c, 'id'), patch);
  if (!res) return jsonError(c, 404, ErrorCode.NotFound, 'thread not found');
  if (res.changed) {
    const view = await s.store.threadView(res.thread.appId, res.thread.id);
    if (view) {
      s.bus.publish({
        type: 'thread',
        appId: res.thread.appId,
        contactId: res.thread.contactId,
        thread: view,
      });
    }
    s.webhooks.wake();
  }
  const t = await s.store.adminThread(res.thread.appId, res.thread.id);
  if (!t) return jsonError(c, 404, ErrorCode.NotFound, 'thread not found');
  return c.json(threadResource(t));
}
