import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClient } from '../../testing/ws-test-client.js';
import { api, createOtherApp, serverFixture, type Fixture } from '../../test-support/fixtures.js';
import { startReceiver, type Receiver } from '../../test-support/receiver.js';
import { ALL_SPECS } from './openapi.js';

/**
 * Every API-key route, driven by the same table the OpenAPI document is built from: no key is
 * 401, a revoked key is 401, and another app's key on this app's resource is a 404 that looks
 * exactly like a missing resource.
 */
let s: Fixture;
let rx: Receiver;
let other: { apiKey: string };
let revokedKey: string;
const ids: Record<string, string> = {};

const validBody: Record<string, unknown> = {
  'patch /v1/threads/{id}': { tags: ['vip'] },
  'post /v1/threads/{id}/read': { seq: 1 },
  'post /v1/threads/{id}/typing': { on: true },
  'post /v1/threads/{id}/messages': { text: 'hello' },
  'patch /v1/contacts/{id}': { attributes: { plan: 'pro' } },
  'patch /v1/settings': { greeting: 'Hello' },
  'post /v1/api-keys': { name: 'ci' },
  'post /v1/webhooks/endpoints': { url: 'http://127.0.0.1:9/hook' },
  'patch /v1/webhooks/endpoints/{id}': { description: 'x' },
  'post /v1/webhooks/endpoints/{id}/rotate-secret': { overlapSeconds: 0 },
  'post /v1/webhooks/endpoints/{id}/replay': { since: '2020-01-01T00:00:00Z' },
};

function pathFor(path: string): string {
  return path
    .replace('/v1/threads/{id}', `/v1/threads/${ids.thread}`)
    .replace('/v1/contacts/{id}', `/v1/contacts/${ids.contact}`)
    .replace('/v1/api-keys/{id}', `/v1/api-keys/${ids.key}`)
    .replace('/v1/webhooks/endpoints/{id}', `/v1/webhooks/endpoints/${ids.endpoint}`)
    .replace('{deliveryId}', ids.delivery!);
}

beforeAll(async () => {
  s = await serverFixture({ dbPath: ':memory:', allowPrivateWebhooks: true });
  rx = await startReceiver();
  other = await createOtherApp(s);
  const c = await TestClient.connect(s.url, s.appId);
  const t = await c.openThread();
  await c.sendMessage(t.id, 'a-1', 'hi');
  c.close();
  ids.thread = t.id;
  ids.contact = c.welcome!.contactId;
  const key = await api(s, s.apiKey, 'POST', '/v1/api-keys', { name: 'victim' });
  ids.key = key.json.id;
  const toRevoke = await api(s, s.apiKey, 'POST', '/v1/api-keys', { name: 'revoked' });
  revokedKey = toRevoke.json.key;
  expect((await api(s, s.apiKey, 'DELETE', `/v1/api-keys/${toRevoke.json.id}`)).status).toBe(204);
  const ep = await api(s, s.apiKey, 'POST', '/v1/webhooks/endpoints', { url: rx.url });
  ids.endpoint = ep.json.id;
  const ping = await api(s, s.apiKey, 'POST', `/v1/webhooks/endpoints/${ids.endpoint}/test`);
  ids.delivery = ping.json.deliveryId;
});

afterAll(async () => {
  await rx.close();
  await s.cleanup();
});

const keyed = ALL_SPECS.filter((r) => r.auth === 'apiKey').map(
  (r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const,
);

describe('every API-key route', () => {
  it.each(keyed)('%s answers 401 without a key', async (_, r) => {
    const res = await fetch(`${s.url}${pathFor(r.path)}`, {
      method: r.method.toUpperCase(),
      headers: { 'content-type': 'application/json' },
      ...(r.method === 'get' || r.method === 'delete'
        ? {}
        : { body: JSON.stringify(validBody[`${r.method} ${r.path}`] ?? {}) }),
    });
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it.each(keyed)('%s answers 401 with a revoked key', async (_, r) => {
    const res = await api(
      s,
      revokedKey,
      r.method.toUpperCase(),
      pathFor(r.path),
      r.method === 'get' || r.method === 'delete'
        ? undefined
        : (validBody[`${r.method} ${r.path}`] ?? {}),
    );
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe('invalid_token');
  });

  const owned = keyed.filter(([, r]) => r.path.includes('{'));
  it.each(owned)('%s answers 404 to another app, like a missing resource', async (_, r) => {
    const body =
      r.method === 'get' || r.method === 'delete'
        ? undefined
        : (validBody[`${r.method} ${r.path}`] ?? {});
    const res = await api(s, other.apiKey, r.method.toUpperCase(), pathFor(r.path), body);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not_found');
    expect(JSON.stringify(res.json)).not.toContain(ids.thread);
    const missing = await api(
      s,
      other.apiKey,
      r.method.toUpperCase(),
      pathFor(r.path).replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '00000000-0000-7000-8000-000000000000'),
      body,
    );
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toBe(res.json.error.message);
  });
});
