import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, openSession } from '../../testing/ws-test-client.js';
import { api, serverFixture, type Fixture } from '../../test-support/fixtures.js';
import { signIdentityToken } from '../../auth/identity-jwt.js';

let s: Fixture;
beforeEach(async () => {
  s = await serverFixture({ dbPath: ':memory:' });
});
afterEach(async () => {
  await s.cleanup();
});

const get = (path: string) => api(s, s.apiKey, 'GET', path);

async function identified(sub: string, name: string, email: string) {
  const exp = Math.floor(Date.now() / 1000) + 600;
  const userToken = signIdentityToken({ sub, exp, name, email }, s.identitySecret);
  return openSession(s.url, { appId: s.appId, userToken });
}

describe('contacts', () => {
  it('lists and searches contacts by name, email or external id, newest first', async () => {
    await identified('u-1', 'Ada Lovelace', 'ada@example.com');
    await identified('u-2', 'Grace Hopper', 'grace@navy.example');
    await openSession(s.url, { appId: s.appId }); // anonymous
    const all = await get('/v1/contacts');
    expect(all.json.data).toHaveLength(3);
    const names = (q: string) =>
      get(`/v1/contacts?${q}`).then((r) => r.json.data.map((c: { name: string }) => c.name));
    expect(await names('q=hopper')).toEqual(['Grace Hopper']);
    expect(await names('q=ADA%40')).toEqual(['Ada Lovelace']);
    expect(await names('q=u-2')).toEqual(['Grace Hopper']);
    expect(await names('q=%25')).toEqual([]); // LIKE wildcards are literal
    expect(await names('identified=true')).toEqual(['Grace Hopper', 'Ada Lovelace']);
    expect(await names('identified=false')).toEqual([null]);
    const p1 = await get('/v1/contacts?limit=2');
    const p2 = await get(`/v1/contacts?limit=2&cursor=${p1.json.nextCursor}`);
    expect(p2.json).toMatchObject({ nextCursor: null });
    expect(p2.json.data).toHaveLength(1);
  });

  it('gets a contact with their threads', async () => {
    const session = await identified('u-9', 'Lin', 'lin@example.com');
    const c = await TestClient.connect(s.url, s.appId, { token: session.token });
    const t = await c.openThread();
    await c.sendMessage(t.id, 'x-1', 'hello');
    const r = await get(`/v1/contacts/${session.contactId}`);
    expect(r.json).toMatchObject({
      id: session.contactId,
      externalId: 'u-9',
      name: 'Lin',
      identified: true,
      threads: [{ id: t.id, lastSeq: 1, lastMessage: { text: 'hello' } }],
    });
    c.close();
  });

  it('merges attributes on update and removes the ones set to null', async () => {
    const session = await identified('u-3', 'Kim', 'kim@example.com');
    const path = `/v1/contacts/${session.contactId}`;
    await api(s, s.apiKey, 'PATCH', path, { attributes: { plan: 'pro', seats: 3 } });
    const r = await api(s, s.apiKey, 'PATCH', path, {
      name: 'Kim Lee',
      attributes: { seats: null, vip: true },
    });
    expect(r.json).toMatchObject({ name: 'Kim Lee', attributes: { plan: 'pro', vip: true } });
    expect(r.json.attributes).not.toHaveProperty('seats');
    expect((await get(path)).json.attributes).toEqual({ plan: 'pro', vip: true });
  });

  it.each([
    ['an empty patch', {}],
    ['a bad email', { email: 'not-an-email' }],
    ['a nested attribute', { attributes: { a: { b: 1 } } }],
    [
      'too many attributes',
      { attributes: Object.fromEntries([...Array(51)].map((_, i) => [`k${i}`, i])) },
    ],
  ])('rejects %s with validation_failed', async (_, body) => {
    const session = await openSession(s.url, { appId: s.appId });
    const r = await api(s, s.apiKey, 'PATCH', `/v1/contacts/${session.contactId}`, body);
    expect(r).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
  });

  it('caps the attributes of a contact across updates', async () => {
    const session = await openSession(s.url, { appId: s.appId });
    const path = `/v1/contacts/${session.contactId}`;
    const batch = (from: number) =>
      Object.fromEntries([...Array(30)].map((_, i) => [`k${from + i}`, i]));
    expect((await api(s, s.apiKey, 'PATCH', path, { attributes: batch(0) })).status).toBe(200);
    const over = await api(s, s.apiKey, 'PATCH', path, { attributes: batch(30) });
    expect(over).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
  });

  it('rejects a search longer than the limit', async () => {
    const r = await get(`/v1/contacts?q=${'x'.repeat(101)}`);
    expect(r).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
  });
});

describe('app settings and API keys', () => {
  it('updates the settings the widget reads through its public endpoint', async () => {
    const r = await api(s, s.apiKey, 'PATCH', '/v1/settings', {
      greeting: 'Bonjour !',
      expectedReplyTime: 'an hour',
      preChatForm: { enabled: true, fields: ['email'] },
      allowedOrigins: ['https://shop.example'],
    });
    expect(r.json).toMatchObject({
      appId: s.appId,
      greeting: 'Bonjour !',
      allowedOrigins: ['https://shop.example'],
    });
    expect((await get('/v1/settings')).json.expectedReplyTime).toBe('an hour');
    const pub = await fetch(`${s.url}/v1/apps/${s.appId}/settings`).then((x) => x.json());
    expect(pub).toMatchObject({
      greeting: 'Bonjour !',
      expectedReplyTime: 'an hour',
      preChatForm: { enabled: true, fields: ['email'] },
    });
  });

  it.each([
    ['an empty patch', {}],
    ['an origin with a path', { allowedOrigins: ['https://a.example/x'] }],
    ['an unknown pre-chat field', { preChatForm: { enabled: true, fields: ['phone'] } }],
  ])('rejects settings with %s', async (_, body) => {
    const r = await api(s, s.apiKey, 'PATCH', '/v1/settings', body);
    expect(r).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
  });

  it('creates a key shown once, lists keys without it, and a revoked key stops working', async () => {
    const created = await api(s, s.apiKey, 'POST', '/v1/api-keys', { name: 'helpdesk' });
    expect(created.status).toBe(201);
    expect(created.json.key).toMatch(/^csk_/);
    expect((await api(s, created.json.key, 'GET', '/v1/threads')).status).toBe(200);
    const list = await get('/v1/api-keys');
    expect(list.json.data.map((k: { name: string }) => k.name)).toEqual(['default', 'helpdesk']);
    expect(JSON.stringify(list.json)).not.toContain(created.json.key);
    expect((await api(s, s.apiKey, 'DELETE', `/v1/api-keys/${created.json.id}`)).status).toBe(204);
    const after = await api(s, created.json.key, 'GET', '/v1/threads');
    expect(after).toMatchObject({ status: 401, json: { error: { code: 'invalid_token' } } });
    expect((await api(s, s.apiKey, 'DELETE', `/v1/api-keys/${created.json.id}`)).status).toBe(404);
    const bad = await api(s, s.apiKey, 'POST', '/v1/api-keys', { name: '' });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
  });
});
