import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { createPublicKey, verify as edVerify } from 'node:crypto';
import { TestClient } from '../../testing/ws-test-client.js';
import { api, serverFixture, type Fixture } from '../../test-support/fixtures.js';
import type { Received, Receiver } from '../../test-support/receiver.js';
import { webhookServer, type WebhookServer } from '../../test-support/webhook-server.js';
import { until } from '../../test-support/until.js';
import { chunkedBody } from '../../test-support/oversize-body.js';

let s: Fixture;
let rx: Receiver;
let ws: WebhookServer;
beforeEach(async () => {
  // A short schedule so retries and dead-lettering happen within the test.
  ws = await webhookServer({ schedule: [0, 30, 30], jitter: 0, pollMs: 20, timeoutMs: 1000 });
  ({ s, rx } = ws);
});
afterEach(() => ws.close());

const call = (method: string, path: string, body?: unknown) => api(s, s.apiKey, method, path, body);

async function endpoint(body: Record<string, unknown> = {}) {
  const r = await call('POST', '/v1/webhooks/endpoints', { url: rx.url, ...body });
  expect(r.status).toBe(201);
  return r.json as { id: string; secret: string; events: string[] };
}

const verify = (secret: string, r: Received) =>
  new Webhook(secret).verify(r.body, r.headers as Record<string, string>);

describe('endpoints', () => {
  it('creates, lists, updates and deletes an endpoint; the secret is shown only at creation', async () => {
    const ep = await endpoint({ events: ['message.created'], description: 'CRM' });
    expect(ep.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(ep.events).toEqual(['message.created']);
    const list = await call('GET', '/v1/webhooks/endpoints');
    expect(list.json.data).toHaveLength(1);
    expect(JSON.stringify(list.json)).not.toContain(ep.secret);
    const got = await call('GET', `/v1/webhooks/endpoints/${ep.id}`);
    expect(got.json).toMatchObject({ id: ep.id, description: 'CRM', enabled: true });
    expect(got.json).not.toHaveProperty('secret');
    const patched = await call('PATCH', `/v1/webhooks/endpoints/${ep.id}`, {
      events: ['*'],
      enabled: false,
    });
    expect(patched.json).toMatchObject({ events: ['*'], enabled: false });
    expect((await call('DELETE', `/v1/webhooks/endpoints/${ep.id}`)).status).toBe(204);
    expect((await call('GET', `/v1/webhooks/endpoints/${ep.id}`)).status).toBe(404);
    expect((await call('GET', '/v1/webhooks/event-types')).json.data).toContain('thread.updated');
  });

  it.each([
    ['a non-URL', { url: 'not a url' }],
    ['an ftp URL', { url: 'ftp://example.com/x' }],
    ['credentials in the URL', { url: 'https://user:pw@example.com/hook' }],
    ['an unknown event type', { url: 'https://example.com/h', events: ['thread.deleted'] }],
    ['an empty event filter', { url: 'https://example.com/h', events: [] }],
  ])('refuses %s with validation_failed', async (_, body) => {
    const r = await call('POST', '/v1/webhooks/endpoints', body);
    expect(r).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
  });

  it('rotates the secret and signs with both secrets during the overlap', async () => {
    const ep = await endpoint();
    const rotated = await call('POST', `/v1/webhooks/endpoints/${ep.id}/rotate-secret`);
    expect(rotated.json.secret).not.toBe(ep.secret);
    expect(rotated.json.previousSecretExpiresAt).not.toBeNull();
    await call('POST', `/v1/webhooks/endpoints/${ep.id}/test`);
    const [ping] = await rx.waitFor(1);
    expect(() => verify(ep.secret, ping!)).not.toThrow();
    expect(() => verify(rotated.json.secret, ping!)).not.toThrow();
    const bad = await call('POST', `/v1/webhooks/endpoints/${ep.id}/rotate-secret`, {
      overlapSeconds: -1,
    });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
    const now = await call('POST', `/v1/webhooks/endpoints/${ep.id}/rotate-secret`, {
      overlapSeconds: 0,
    });
    expect(now.json.previousSecretExpiresAt).toBeNull();
  });

  it('refuses an oversize chunked body on a POST whose body is optional, without reading it all', async () => {
    const ep = await endpoint();
    const big = chunkedBody();
    const r = await fetch(`${s.url}/v1/webhooks/endpoints/${ep.id}/rotate-secret`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
      ...big.init,
    });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ error: { code: 'too_large' } });
    expect(big.pulled()).toBeLessThan(big.offeredChunks / 8);
    // Nothing changed: the endpoint still has no previous secret.
    const got = await call('GET', `/v1/webhooks/endpoints/${ep.id}`);
    expect(got.json.previousSecretExpiresAt).toBeNull();
  });
});

/** Verify a `v1a` (Ed25519) signature the way a receiver would, with node:crypto only. */
function verifyEd25519(publicKey: string, r: Received): boolean {
  const x = Buffer.from(publicKey.slice('whpk_'.length), 'base64').toString('base64url');
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
  const content = `${String(r.headers['webhook-id'])}.${String(r.headers['webhook-timestamp'])}.${r.body}`;
  return String(r.headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const [version, sig] = entry.split(',');
      return (
        version === 'v1a' && edVerify(null, Buffer.from(content), key, Buffer.from(sig!, 'base64'))
      );
    });
}

describe('asymmetric v1a signatures', () => {
  it('signs with Ed25519 and gives the receiver only the public key', async () => {
    const ep = await endpoint({ signatureScheme: 'v1a' });
    expect(ep.secret).toMatch(/^whpk_/);
    const got = await call('GET', `/v1/webhooks/endpoints/${ep.id}`);
    expect(got.json).toMatchObject({ signatureScheme: 'v1a', publicKey: ep.secret });
    await call('POST', `/v1/webhooks/endpoints/${ep.id}/test`);
    const [ping] = await rx.waitFor(1);
    expect(String(ping!.headers['webhook-signature'])).toMatch(/^v1a,/);
    expect(verifyEd25519(ep.secret, ping!)).toBe(true);
    const tampered = { ...ping!, body: ping!.body.replace('test', 'tset') };
    expect(verifyEd25519(ep.secret, tampered)).toBe(false);

    const rotated = await call('POST', `/v1/webhooks/endpoints/${ep.id}/rotate-secret`);
    expect(rotated.json.secret).toMatch(/^whpk_/);
    await call('POST', `/v1/webhooks/endpoints/${ep.id}/test`);
    const [, second] = await rx.waitFor(2);
    expect(verifyEd25519(ep.secret, second!)).toBe(true);
    expect(verifyEd25519(rotated.json.secret, second!)).toBe(true);
  });
});

describe('events', () => {
  it('sends signed thread.created and message.created for visitor and agent messages', async () => {
    const ep = await endpoint({ events: ['thread.created', 'message.created'] });
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    await c.sendMessage(t.id, 'v-1', 'Hello?');
    await call('POST', `/v1/threads/${t.id}/messages`, { text: 'Hi!', author: { name: 'Ana' } });
    await call('POST', `/v1/threads/${t.id}/messages`, {
      text: 'I am a bot',
      author: { kind: 'bot' },
    });
    const got = await rx.waitFor(4);
    for (const r of got) expect(() => verify(ep.secret, r)).not.toThrow();
    const byType = got.map((r) => [r.json.type, r.json.data.message?.author.kind ?? null]);
    expect(byType).toEqual(
      expect.arrayContaining([
        ['thread.created', null],
        ['message.created', 'visitor'],
        ['message.created', 'agent'],
        ['message.created', 'bot'],
      ]),
    );
    expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(4);
    // Every message event names the visitor's contact, so a helpdesk can file it.
    for (const r of got.filter((x) => x.json.type === 'message.created')) {
      expect(r.json.data.contactId).toBe(c.welcome!.contactId);
    }
    c.close();
  });

  it('sends message.read when the visitor reads', async () => {
    await endpoint({ events: ['message.read'] });
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    await call('POST', `/v1/threads/${t.id}/messages`, { text: 'Read me' });
    await c.next('message');
    c.send({ type: 'read', threadId: t.id, seq: 1 });
    const [r] = await rx.waitFor(1);
    expect(r!.json).toMatchObject({
      type: 'message.read',
      data: { threadId: t.id, reader: 'visitor', seq: 1 },
    });
    c.close();
  });
});

describe('delivery log, dead letters and replay', () => {
  it('answers a test ping and logs the attempt with status, latency and answer excerpt', async () => {
    const ep = await endpoint();
    rx.fallback = { status: 200, body: 'pong from receiver' };
    const r = await call('POST', `/v1/webhooks/endpoints/${ep.id}/test`);
    expect(r.status).toBe(202);
    const [ping] = await rx.waitFor(1);
    expect(ping!.json.type).toBe('webhook.test');
    expect(ping!.headers['webhook-id']).toBe(r.json.eventId);
    const path = `/v1/webhooks/endpoints/${ep.id}/deliveries/${r.json.deliveryId}`;
    const d = await until(
      () => call('GET', path),
      (x) => x.json.status === 'succeeded',
    );
    expect(d.json).toMatchObject({ status: 'succeeded', attempts: 1, eventType: 'webhook.test' });
    expect(d.json.attemptLog).toEqual([
      expect.objectContaining({ n: 1, statusCode: 200, responseExcerpt: 'pong from receiver' }),
    ]);
    expect(d.json.attemptLog[0].durationMs).toBeGreaterThanOrEqual(0);
  });

  it('retries 500s, dead-letters after the last attempt, and replays it on request', async () => {
    const ep = await endpoint();
    rx.fallback = { status: 500, body: 'down' };
    const ping = await call('POST', `/v1/webhooks/endpoints/${ep.id}/test`);
    const dead = await until(
      () => call('GET', `/v1/webhooks/endpoints/${ep.id}/deliveries?status=dead`),
      (x) => x.json.data.length === 1,
    );
    expect(dead.json.data[0]).toMatchObject({ attempts: 3, lastStatusCode: 500, status: 'dead' });
    expect(rx.received).toHaveLength(3);

    rx.fallback = { status: 204 };
    const replay = await call('POST', `/v1/webhooks/endpoints/${ep.id}/replay`, {
      eventId: ping.json.eventId,
    });
    expect(replay).toMatchObject({ status: 202, json: { queued: 1 } });
    await rx.waitFor(4);
    expect(rx.received[3]!.headers['webhook-id']).toBe(ping.json.eventId);
    const d = await until(
      () => call('GET', `/v1/webhooks/endpoints/${ep.id}/deliveries/${ping.json.deliveryId}`),
      (x) => x.json.status === 'succeeded',
    );
    expect(d.json.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([
      500, 500, 500, 204,
    ]);
    // Nothing more arrives once it succeeded.
    await new Promise((r) => setTimeout(r, 120));
    expect(rx.received).toHaveLength(4);
  });

  it('replays every matching event in a time range', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const since = new Date().toISOString();
    const t1 = await c.openThread();
    const t2 = await c.openThread();
    // The endpoint did not exist when these happened.
    const ep = await endpoint({ events: ['thread.created'] });
    const r = await call('POST', `/v1/webhooks/endpoints/${ep.id}/replay`, { since });
    expect(r.json.queued).toBe(2);
    const got = await rx.waitFor(2);
    expect(got.map((x) => x.json.data.thread.id).sort()).toEqual([t1.id, t2.id].sort());
    const empty = await call('POST', `/v1/webhooks/endpoints/${ep.id}/replay`, {
      since: '2001-01-01T00:00:00Z',
      until: '2001-01-02T00:00:00Z',
    });
    expect(empty.json.queued).toBe(0);
    c.close();
  });

  it('replays message.created of messages stored before the endpoint existed, once each, with the message id as webhook-id', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const since = new Date().toISOString();
    const t = await c.openThread();
    const a = await c.sendMessage(t.id, 'v-1', 'first');
    const b = await c.sendMessage(t.id, 'v-2', 'second');
    const ep = await endpoint({ events: ['message.created'] });
    // A live message after the endpoint exists arrives by itself; the older ones do not.
    const live = await c.sendMessage(t.id, 'v-3', 'third');
    const [first] = await rx.waitFor(1);
    expect(first!.headers['webhook-id']).toBe(live.id);
    expect(first!.json.data).toMatchObject({
      message: { id: live.id, seq: 3, text: 'third' },
      contactId: c.welcome!.contactId,
    });

    // (Once its attempt is recorded, so the counts below are exact: a replay of a delivery still
    // in flight sends it once more after that attempt, dispatcher.test.ts.)
    await until(
      () => call('GET', `/v1/webhooks/endpoints/${ep.id}/deliveries?status=succeeded`),
      (x) => x.json.data.length === 1,
    );
    const r = await call('POST', `/v1/webhooks/endpoints/${ep.id}/replay`, { since });
    expect(r.json.queued).toBe(3);
    const got = await rx.waitFor(4);
    expect(
      got
        .slice(1)
        .map((x) => x.headers['webhook-id'])
        .sort(),
    ).toEqual([a.id, b.id, live.id].sort());
    await until(
      () => call('GET', `/v1/webhooks/endpoints/${ep.id}/deliveries?status=succeeded`),
      (x) => x.json.data.length === 3,
    );
    const byId = await call('POST', `/v1/webhooks/endpoints/${ep.id}/replay`, { eventId: a.id });
    expect(byId.json.queued).toBe(1);
    await rx.waitFor(5);
    expect(rx.received[4]!.json.data.message).toMatchObject({ id: a.id, text: 'first' });
    // Materialised events are not fanned out a second time.
    await new Promise((res) => setTimeout(res, 150));
    expect(rx.received).toHaveLength(5);
    const unknown = await call('POST', `/v1/webhooks/endpoints/${ep.id}/replay`, {
      eventId: 'no-such-event',
    });
    expect(unknown.status).toBe(404);
    c.close();
  });

  it.each([
    ['no selection', {}],
    ['a bad time', { since: 'yesterday' }],
    // ISO-8601 as valibot reads it, but not as Date.parse does (NaN replayed every message).
    ['an offset of hours only', { since: '2026-01-01T00:00:00+05' }],
    [
      'an until with an offset of hours only',
      { since: '2020-01-01T00:00:00Z', until: '2026-01-01T00:00:00+05' },
    ],
  ])('refuses a replay with %s, and queues nothing', async (_, body) => {
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    await c.sendMessage(t.id, 'v-1', 'stored before the endpoint');
    const ep = await endpoint({ events: ['message.created'] });
    const r = await call('POST', `/v1/webhooks/endpoints/${ep.id}/replay`, body);
    expect(r).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
    const log = await call('GET', `/v1/webhooks/endpoints/${ep.id}/deliveries`);
    expect(log.json.data).toEqual([]);
    c.close();
  });

  it('answers 404 to the replay of an unknown event', async () => {
    const ep = await endpoint();
    const r = await call('POST', `/v1/webhooks/endpoints/${ep.id}/replay`, { eventId: 'nope' });
    expect(r).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
  });

  it('disables an endpoint that answers 410 and resumes it when re-enabled', async () => {
    const ep = await endpoint();
    rx.replies.push({ status: 410 });
    await call('POST', `/v1/webhooks/endpoints/${ep.id}/test`);
    const off = await until(
      () => call('GET', `/v1/webhooks/endpoints/${ep.id}`),
      (x) => x.json.enabled === false,
    );
    expect(off.json).toMatchObject({ enabled: false, disabledReason: 'gone' });
    const on = await call('PATCH', `/v1/webhooks/endpoints/${ep.id}`, { enabled: true });
    expect(on.json).toMatchObject({ enabled: true, disabledReason: null });
    await call('POST', `/v1/webhooks/endpoints/${ep.id}/test`);
    await rx.waitFor(2);
  });

  it('pages the delivery log with a cursor and validates its query', async () => {
    const ep = await endpoint();
    for (let i = 0; i < 3; i++) await call('POST', `/v1/webhooks/endpoints/${ep.id}/test`);
    const p1 = await call('GET', `/v1/webhooks/endpoints/${ep.id}/deliveries?limit=2`);
    expect(p1.json.data).toHaveLength(2);
    const p2 = await call(
      'GET',
      `/v1/webhooks/endpoints/${ep.id}/deliveries?limit=2&cursor=${p1.json.nextCursor}`,
    );
    expect(p2.json).toMatchObject({ nextCursor: null });
    expect(p2.json.data).toHaveLength(1);
    const bad = await call('GET', `/v1/webhooks/endpoints/${ep.id}/deliveries?status=lost`);
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
  });
});

describe('SSRF protection (default settings)', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'http://localhost/hook',
    'http://[::1]/hook',
    'http://10.1.2.3/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::ffff:127.0.0.1]/hook',
  ])('refuses an endpoint at %s', async (url) => {
    const strict = await serverFixture({ dbPath: ':memory:' });
    const r = await api(strict, strict.apiKey, 'POST', '/v1/webhooks/endpoints', { url });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'validation_failed' });
    expect(r.json.error.message).toMatch(/non-public/);
    await strict.cleanup();
  });
});
