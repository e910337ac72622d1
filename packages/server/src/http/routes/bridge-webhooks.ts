/**
 * Webhook endpoints (API key): create / list / get / update / delete, secret rotation with an
 * overlap, a test ping, the delivery log with every attempt, and replay of one event or of a
 * time range. URLs are refused when they resolve to non-public addresses (unless allowed).
 */
import { Hono } from 'hono';
import * as v from 'valibot';
import {
  DEFAULT_PAGE_SIZE,
  DeliveryDetail,
  DeliveryListQuery,
  DeliveryPage,
  EndpointCreateBody,
  EndpointList,
  EndpointPatchBody,
  EndpointResource,
  EndpointWithSecret,
  ErrorCode,
  ReplayBody,
  ReplayResponse,
  RotateSecretBody,
  TestPingResponse,
  WEBHOOK_EVENT_TYPES,
  newId,
} from '@causette/shared';
import type { AppEnv, Services } from '../env.js';
import { jsonError, readBody, readQuery, statusOf } from '../errors.js';
import { decodeCursor, encodeCursor, iso, param, readOptionalBody } from '../bridge-util.js';
import { deliveryResource, endpointResource } from '../resources.js';
import { mount, op } from '../openapi/spec.js';
import {
  generateSecret,
  generateSigningKey,
  schemeOf,
  verificationKey,
  type SignatureScheme,
} from '../../webhooks/signing.js';
import { loadSodium } from '../../auth/sodium.js';
import { urlProblem } from '../../webhooks/ssrf.js';
import type { EndpointPatch } from '../../store/webhooks.js';

const P = '/v1/webhooks/endpoints';
const endpoint200 = { 200: { description: 'The endpoint', schema: EndpointResource } };
const DEFAULT_OVERLAP_S = 24 * 3600;

const newSecret = async (scheme: SignatureScheme) =>
  scheme === 'v1a' ? generateSigningKey(await loadSodium()) : generateSecret();

export const webhookSpecs = {
  eventTypes: op({
    method: 'get',
    path: '/v1/webhooks/event-types',
    tag: 'webhooks',
    summary: 'Event types an endpoint can subscribe to',
    auth: 'apiKey',
    responses: {
      200: { description: 'Event types', schema: v.object({ data: v.array(v.string()) }) },
    },
  }),
  create: op({
    method: 'post',
    path: P,
    tag: 'webhooks',
    summary: 'Create an endpoint',
    description:
      'The answer carries the signing secret (`whsec_...`) of a v1 endpoint, or the public key ' +
      '(`whpk_...`) of a v1a endpoint. Events created from now on are delivered while it is ' +
      'enabled; replay older ones with `/replay`.',
    auth: 'apiKey',
    body: EndpointCreateBody,
    responses: { 201: { description: 'The endpoint and its secret', schema: EndpointWithSecret } },
  }),
  list: op({
    method: 'get',
    path: P,
    tag: 'webhooks',
    summary: 'List endpoints',
    auth: 'apiKey',
    responses: { 200: { description: 'Every endpoint of the app', schema: EndpointList } },
  }),
  get: op({
    method: 'get',
    path: `${P}/{id}`,
    tag: 'webhooks',
    summary: 'Get an endpoint',
    auth: 'apiKey',
    responses: endpoint200,
  }),
  patch: op({
    method: 'patch',
    path: `${P}/{id}`,
    tag: 'webhooks',
    summary: 'Update URL, event filter, description or enabled',
    description: 'Re-enabling an endpoint resumes its pending deliveries.',
    auth: 'apiKey',
    body: EndpointPatchBody,
    responses: endpoint200,
  }),
  remove: op({
    method: 'delete',
    path: `${P}/{id}`,
    tag: 'webhooks',
    summary: 'Delete an endpoint with its delivery log',
    auth: 'apiKey',
    responses: { 204: { description: 'Deleted' } },
  }),
  rotate: op({
    method: 'post',
    path: `${P}/{id}/rotate-secret`,
    tag: 'webhooks',
    summary: 'Rotate the signing secret',
    description:
      'Deliveries carry two signatures (new and previous secret) for `overlapSeconds` ' +
      '(default 86400) so the receiver can switch without losing one.',
    auth: 'apiKey',
    body: RotateSecretBody,
    optionalBody: true,
    responses: {
      200: { description: 'The endpoint and its new secret', schema: EndpointWithSecret },
    },
  }),
  test: op({
    method: 'post',
    path: `${P}/{id}/test`,
    tag: 'webhooks',
    summary: 'Send a `webhook.test` event to this endpoint',
    auth: 'apiKey',
    responses: { 202: { description: 'Queued; see its delivery', schema: TestPingResponse } },
  }),
  deliveries: op({
    method: 'get',
    path: `${P}/{id}/deliveries`,
    tag: 'webhooks',
    summary: 'Delivery log of an endpoint',
    description: 'Newest first; `status=dead` lists dead-lettered deliveries.',
    auth: 'apiKey',
    query: DeliveryListQuery,
    responses: { 200: { description: 'A page of deliveries', schema: DeliveryPage } },
  }),
  delivery: op({
    method: 'get',
    path: `${P}/{id}/deliveries/{deliveryId}`,
    tag: 'webhooks',
    summary: 'One delivery with its payload and every attempt',
    auth: 'apiKey',
    responses: { 200: { description: 'The delivery', schema: DeliveryDetail } },
  }),
  replay: op({
    method: 'post',
    path: `${P}/{id}/replay`,
    tag: 'webhooks',
    summary: 'Replay one event, or every matching event in a time range',
    description:
      'Starts a new round of attempts with the same `webhook-id` (the event id), also for ' +
      'delivered or dead-lettered events. A range replays at most 10000 events that the ' +
      "endpoint's filter takes.",
    auth: 'apiKey',
    body: ReplayBody,
    responses: { 202: { description: 'Queued', schema: ReplayResponse } },
  }),
};

export function bridgeWebhookRoutes(s: Services) {
  const r = new Hono<AppEnv>();
  const allowPrivate = s.config.allowPrivateWebhooks;
  const notFound = 'endpoint not found';

  mount(r, s, webhookSpecs.eventTypes, (c) => c.json({ data: [...WEBHOOK_EVENT_TYPES] }));

  mount(r, s, webhookSpecs.create, async (c) => {
    const body = await readBody(c, EndpointCreateBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const problem = await urlProblem(body.value.url, allowPrivate);
    if (problem) return jsonError(c, 400, ErrorCode.ValidationFailed, `url: ${problem}`);
    const now = Date.now();
    const ep = {
      id: newId(now),
      appId: c.var.appId,
      url: body.value.url,
      description: body.value.description ?? '',
      events: [...new Set(body.value.events ?? ['*'])],
      secret: await newSecret(body.value.signatureScheme ?? 'v1'),
      prevSecret: null,
      prevSecretExpiresAt: null,
      enabled: body.value.enabled ?? true,
      disabledReason: null,
      createdAt: now,
      updatedAt: now,
    };
    await s.store.createEndpoint(ep);
    return c.json({ ...endpointResource(ep), secret: verificationKey(ep.secret) }, 201);
  });

  mount(r, s, webhookSpecs.list, async (c) => {
    const eps = await s.store.listEndpoints(c.var.appId);
    return c.json({ data: eps.map((e) => endpointResource(e)) });
  });

  mount(r, s, webhookSpecs.get, async (c) => {
    const ep = await s.store.getEndpoint(c.var.appId, param(c, 'id'));
    if (!ep) return jsonError(c, 404, ErrorCode.NotFound, notFound);
    return c.json(endpointResource(ep));
  });

  mount(r, s, webhookSpecs.patch, async (c) => {
    const body = await readBody(c, EndpointPatchBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const id = param(c, 'id');
    if (!(await s.store.getEndpoint(c.var.appId, id)))
      return jsonError(c, 404, ErrorCode.NotFound, notFound);
    const b = body.value;
    if (b.url !== undefined) {
      const problem = await urlProblem(b.url, allowPrivate);
      if (problem) return jsonError(c, 400, ErrorCode.ValidationFailed, `url: ${problem}`);
    }
    const patch: EndpointPatch = {};
    if (b.url !== undefined) patch.url = b.url;
    if (b.events !== undefined) patch.events = [...new Set(b.events)];
    if (b.description !== undefined) patch.description = b.description;
    if (b.enabled !== undefined) {
      patch.enabled = b.enabled;
      if (b.enabled) patch.disabledReason = null;
    }
    const ep = await s.store.updateEndpoint(c.var.appId, id, patch);
    if (!ep) return jsonError(c, 404, ErrorCode.NotFound, notFound);
    if (b.enabled) s.webhooks.wake();
    return c.json(endpointResource(ep));
  });

  mount(r, s, webhookSpecs.remove, async (c) => {
    const ok = await s.store.deleteEndpoint(c.var.appId, param(c, 'id'));
    if (!ok) return jsonError(c, 404, ErrorCode.NotFound, notFound);
    return c.body(null, 204);
  });

  mount(r, s, webhookSpecs.rotate, async (c) => {
    const body = await readOptionalBody(c, RotateSecretBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const id = param(c, 'id');
    const cur = await s.store.getEndpoint(c.var.appId, id);
    if (!cur) return jsonError(c, 404, ErrorCode.NotFound, notFound);
    const overlap = body.value.overlapSeconds ?? DEFAULT_OVERLAP_S;
    const secret = await newSecret(schemeOf(cur.secret));
    const ep = await s.store.updateEndpoint(c.var.appId, id, {
      secret,
      prevSecret: overlap > 0 ? cur.secret : null,
      prevSecretExpiresAt: overlap > 0 ? Date.now() + overlap * 1000 : null,
    });
    if (!ep) return jsonError(c, 404, ErrorCode.NotFound, notFound);
    return c.json({ ...endpointResource(ep), secret: verificationKey(secret) });
  });

  mount(r, s, webhookSpecs.test, async (c) => {
    const ep = await s.store.getEndpoint(c.var.appId, param(c, 'id'));
    if (!ep) return jsonError(c, 404, ErrorCode.NotFound, notFound);
    const ids = await s.store.createTestEvent(ep.appId, ep.id, Date.now());
    s.webhooks.wake();
    return c.json(ids, 202);
  });

  mount(r, s, webhookSpecs.deliveries, async (c) => {
    const q = readQuery(c, DeliveryListQuery);
    if (!q.ok) return jsonError(c, 400, q.code, q.message);
    const ep = await s.store.getEndpoint(c.var.appId, param(c, 'id'));
    if (!ep) return jsonError(c, 404, ErrorCode.NotFound, notFound);
    const limit = q.value.limit ?? DEFAULT_PAGE_SIZE;
    const query: Parameters<Services['store']['listDeliveries']>[2] = { limit: limit + 1 };
    if (q.value.status !== undefined) query.status = q.value.status;
    if (q.value.cursor !== undefined) {
      const cur = decodeCursor(q.value.cursor);
      if (!cur) return jsonError(c, 400, ErrorCode.ValidationFailed, 'cursor: invalid cursor');
      query.after = { createdAt: cur.time, id: cur.id };
    }
    const rows = await s.store.listDeliveries(ep.appId, ep.id, query);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return c.json({
      data: page.map(deliveryResource),
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdAt, last.id) : null,
    });
  });

  mount(r, s, webhookSpecs.delivery, async (c) => {
    const d = await s.store.getDelivery(c.var.appId, param(c, 'id'), param(c, 'deliveryId'));
    if (!d) return jsonError(c, 404, ErrorCode.NotFound, 'delivery not found');
    return c.json({
      ...deliveryResource(d.delivery),
      payload: d.payload,
      attemptLog: d.attempts.map((a) => ({
        n: a.n,
        at: iso(a.startedAt),
        statusCode: a.statusCode,
        durationMs: a.durationMs,
        error: a.error,
        responseExcerpt: a.responseExcerpt,
      })),
    });
  });

  mount(r, s, webhookSpecs.replay, async (c) => {
    const body = await readBody(c, ReplayBody);
    if (!body.ok) return jsonError(c, statusOf(body.code), body.code, body.message);
    const ep = await s.store.getEndpoint(c.var.appId, param(c, 'id'));
    if (!ep) return jsonError(c, 404, ErrorCode.NotFound, notFound);
    const b = body.value;
    const now = Date.now();
    let queued: number;
    if ('eventId' in b) {
      queued = await s.store.replay(ep.appId, ep.id, { eventId: b.eventId }, now);
      if (queued === 0) return jsonError(c, 404, ErrorCode.NotFound, 'event not found');
    } else {
      const { since } = b;
      const until = b.until ?? now + 1;
      if (until <= since)
        return jsonError(c, 400, ErrorCode.ValidationFailed, 'until must be after since');
      queued = await s.store.replay(ep.appId, ep.id, { since, until }, now);
    }
    s.webhooks.wake();
    return c.json({ queued }, 202);
  });

  return r;
}
