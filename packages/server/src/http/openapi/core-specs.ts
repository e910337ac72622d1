/** Descriptions of the routes that predate the bridge (visitor session, widget, health, ws). */
import * as v from 'valibot';
import {
  HistoryQuery,
  HistoryResponse,
  PostMessageBody,
  PostMessageResponse,
  SessionRequest,
  SessionResponse,
} from '@causette/shared';
import { op } from './spec.js';

const PublicSettings = v.object({
  appId: v.string(),
  name: v.string(),
  greeting: v.string(),
  awayMessage: v.string(),
  expectedReplyTime: v.string(),
  preChatForm: v.object({ enabled: v.boolean(), fields: v.array(v.string()) }),
});

export const coreSpecs = [
  op({
    method: 'get',
    path: '/healthz',
    tag: 'health',
    summary: 'Liveness: the process answers',
    auth: 'none',
    responses: { 200: { description: 'Alive', schema: v.object({ ok: v.boolean() }) } },
  }),
  op({
    method: 'get',
    path: '/readyz',
    tag: 'health',
    summary: 'Readiness: store open and not draining',
    auth: 'none',
    responses: {
      200: {
        description: 'Ready',
        schema: v.object({ ready: v.boolean(), epoch: v.optional(v.string()) }),
      },
      503: { description: 'Not ready (starting or shutting down)' },
    },
  }),
  op({
    method: 'post',
    path: '/v1/session',
    tag: 'visitor',
    summary: 'Start, refresh or upgrade a visitor session (origin-checked)',
    auth: 'none',
    body: SessionRequest,
    responses: {
      200: { description: 'A session token for the WebSocket', schema: SessionResponse },
      401: {
        description:
          '`invalid_visitor_token`: the visitorToken is no longer accepted (ask again without ' +
          'it); `invalid_token` or `token_expired`: the userToken was refused',
      },
      403: { description: 'Origin not allowed for this app' },
      429: { description: 'Too many new sessions from this address' },
    },
  }),
  op({
    method: 'get',
    path: '/v1/ws',
    tag: 'visitor',
    summary: 'WebSocket upgrade (subprotocols `causette.v1` and `causette.token.<token>`)',
    auth: 'visitor',
    responses: {
      101: { description: 'Switching protocols' },
      426: { description: 'Not a WebSocket upgrade' },
      429: {
        description:
          'This visitor already holds the most open sockets allowed (`too_many_connections`)',
      },
    },
  }),
  op({
    method: 'get',
    path: '/v1/apps/{appId}/settings',
    tag: 'visitor',
    summary: 'Public settings the widget shows (greeting, away message, pre-chat form)',
    auth: 'none',
    responses: {
      200: { description: 'The settings', schema: PublicSettings },
      404: { description: '`unknown_app`: no app with this id' },
    },
  }),
  op({
    method: 'get',
    path: '/v1/threads/{id}/messages',
    tag: 'messages',
    summary: 'Page a thread’s history',
    description:
      'Newest page first; `before=<seq>` pages back, `after=<seq>` pages forward (oldest first).',
    auth: 'apiKey',
    query: HistoryQuery,
    responses: { 200: { description: 'A page of messages', schema: HistoryResponse } },
  }),
  op({
    method: 'post',
    path: '/v1/threads/{id}/messages',
    tag: 'messages',
    summary: 'Post an agent or bot reply (reaches the visitor live)',
    description:
      'Idempotent with `Idempotency-Key`: a retry returns the original message with ' +
      '`duplicate: true` (200); the same key with another text is a 409.',
    auth: 'apiKey',
    body: PostMessageBody,
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'Makes the post idempotent; 1-64 chars of [A-Za-z0-9_-].',
        pattern: '^[A-Za-z0-9_-]{1,64}$',
      },
    ],
    responses: {
      201: { description: 'Stored and sent', schema: PostMessageResponse },
      200: { description: 'A retry: the original message', schema: PostMessageResponse },
      409: { description: '`idempotency_conflict`: an Idempotency-Key reused with another text' },
    },
  }),
];
