import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Writable } from 'node:stream';
import { TestClient, openSession } from '../../testing/ws-test-client.js';
import { api, createOtherApp, serverFixture, type Fixture } from '../../test-support/fixtures.js';
import { signIdentityToken } from '../../auth/identity-jwt.js';
import { createLogger } from '../../logger.js';
import { chunkedBody, declaredBody } from '../../test-support/oversize-body.js';

let s: Fixture;
let logs = '';
beforeEach(async () => {
  logs = '';
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs += chunk.toString();
      cb();
    },
  });
  s = await serverFixture({ logger: createLogger('trace', sink), sessionsPerMinute: 5 });
});
afterEach(async () => {
  await s.cleanup();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${s.url}/v1/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }));

const inMinutes = (m: number) => Math.floor(Date.now() / 1000) + m * 60;

describe('visitor sessions', () => {
  it('gives a first-time visitor an anonymous contact and keeps it on refresh', async () => {
    const first = await post({ appId: s.appId });
    expect(first).toMatchObject({ status: 200, json: { identified: false } });
    const again = await post({ appId: s.appId, visitorToken: first.json.token });
    expect(again.json.contactId).toBe(first.json.contactId);
  });

  it.each([
    ['malformed JSON', '{"appId":', 400, 'bad_json'],
    ['a missing appId', {}, 400, 'validation_failed'],
    ['an unknown app', { appId: 'app_nope' }, 404, 'unknown_app'],
    ['a forged visitor token', { visitorToken: 'abc.def' }, 401, 'invalid_visitor_token'],
    ['a forged user token', { userToken: 'a.b.c' }, 401, 'invalid_token'],
    ['an oversize body', { appId: 'x'.repeat(70_000) }, 413, 'too_large'],
  ])('rejects %s with a typed error', async (_, body, status, code) => {
    const b =
      typeof body === 'object' && !('appId' in body) && Object.keys(body).length
        ? { appId: s.appId, ...body }
        : body;
    const r = await post(b);
    expect(r).toMatchObject({ status, json: { error: { code } } });
  });

  it('answers an oversize chunked body with 413 without reading the rest of it', async () => {
    // A chunked body declares no length: 256 MiB offered.
    const big = chunkedBody();
    const r = await fetch(`${s.url}/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...big.init,
    });
    expect(r.status).toBe(413);
    expect(await r.json()).toMatchObject({ error: { code: 'too_large' } });
    // Answered once the limit was passed (plus what the socket buffers held), not at the end.
    expect(big.pulled()).toBeLessThan(big.offeredChunks / 8);
    expect((await post({ appId: s.appId })).status).toBe(200);
  });

  it('answers a body declared too long with 413 and closes the connection instead of reading it', async () => {
    // 256 MiB declared: refused from the header, and the connection is closed so that the
    // server does not read (and discard) the rest to reach a next request.
    const r = await declaredBody(s.url, '/v1/session');
    expect(r.status).toBe('HTTP/1.1 413 Payload Too Large');
    expect(r.connectionClose).toBe(true);
    expect(r.closed).toBe(true);
    expect(r.sent).toBeLessThan(32 * 1024 * 1024);
    expect((await post({ appId: s.appId })).status).toBe(200);
  });

  it('refuses an expired visitor token with the visitor-token code', async () => {
    const first = await post({ appId: s.appId });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(first.json.expiresAt + 1000);
      const r = await post({ appId: s.appId, visitorToken: first.json.token });
      expect(r).toMatchObject({
        status: 401,
        json: { error: { code: 'invalid_visitor_token', message: 'visitor token expired' } },
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it("rejects another app's visitor token", async () => {
    const other = await createOtherApp(s);
    await s.store.getApp(other.appId);
    const mine = await post({ appId: s.appId });
    const r = await post({ appId: other.appId, visitorToken: mine.json.token });
    expect(r).toMatchObject({ status: 401, json: { error: { code: 'invalid_visitor_token' } } });
  });

  it('refuses browser origins the app does not allow', async () => {
    const r = await post({ appId: s.appId }, { origin: 'https://evil.example' });
    expect(r).toMatchObject({ status: 403, json: { error: { code: 'forbidden_origin' } } });
  });

  it('rate-limits new anonymous sessions per address', async () => {
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await post({ appId: s.appId })).status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses[6]).toBe(429);
  });
});

describe('identified users', () => {
  it('merges anonymous threads into the identified contact on a valid token only', async () => {
    const anon = await post({ appId: s.appId });
    const c = await TestClient.connect(s.url, s.appId, { token: anon.json.token });
    const t = await c.openThread();
    await c.sendMessage(t.id, 'before-login', 'I was anonymous');
    c.close();

    const expired = signIdentityToken({ sub: 'user-42', exp: inMinutes(-5) }, s.identitySecret);
    const rejected = await post({
      appId: s.appId,
      visitorToken: anon.json.token,
      userToken: expired,
    });
    expect(rejected).toMatchObject({ status: 401, json: { error: { code: 'token_expired' } } });

    const jwt = signIdentityToken(
      { sub: 'user-42', exp: inMinutes(5), name: 'Zoé' },
      s.identitySecret,
    );
    const idf = await post({ appId: s.appId, visitorToken: anon.json.token, userToken: jwt });
    expect(idf).toMatchObject({ status: 200, json: { identified: true } });
    expect(idf.json.contactId).not.toBe(anon.json.contactId);

    const d = await TestClient.connect(s.url, s.appId, { token: idf.json.token });
    d.send({ type: 'threads.list', ref: 'l' });
    const { threads } = await d.next('threads');
    expect(threads.map((x) => x.id)).toEqual([t.id]);
    d.close();

    // The old anonymous token no longer opens anything (shared device after logout), and the
    // answer says it is that token that is refused, even alongside a valid user token.
    for (const extra of [{}, { userToken: jwt }]) {
      const stale = await post({ appId: s.appId, visitorToken: anon.json.token, ...extra });
      expect(stale).toMatchObject({
        status: 401,
        json: { error: { code: 'invalid_visitor_token' } },
      });
    }
    await expect(TestClient.open(s.url, anon.json.token)).rejects.toMatchObject({ status: 401 });

    // Logging in again on another device reaches the same contact.
    const again = await openSession(s.url, { appId: s.appId, userToken: jwt });
    expect(again.contactId).toBe(idf.json.contactId);
  });

  it('never writes tokens, keys or secrets to the logs', async () => {
    const anon = await post({ appId: s.appId });
    const c = await TestClient.connect(s.url, s.appId, { token: anon.json.token });
    c.close();
    const jwt = signIdentityToken({ sub: 'u', exp: inMinutes(5) }, s.identitySecret);
    await post({ appId: s.appId, userToken: jwt });
    await api(s, s.apiKey, 'GET', '/v1/threads/nope/messages');
    await api(s, 'csk_wrong', 'GET', '/v1/threads/nope/messages');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [anon.json.token, jwt, s.apiKey, s.identitySecret, 'csk_wrong']) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('agent API keys', () => {
  it('requires a valid key', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    const none = await fetch(`${s.url}/v1/threads/${t.id}/messages`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrong = await api(s, 'csk_nope', 'GET', `/v1/threads/${t.id}/messages`);
    expect(wrong).toMatchObject({ status: 401, json: { error: { code: 'invalid_token' } } });
    c.close();
  });

  it('posts idempotently with an Idempotency-Key', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    const h = { 'idempotency-key': 'reply-1' };
    const a = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/messages`, { text: 'hello' }, h);
    const b = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/messages`, { text: 'hello' }, h);
    expect(a.status).toBe(201);
    expect(b).toMatchObject({
      status: 200,
      json: { duplicate: true, message: { id: a.json.message.id } },
    });
    const conflict = await api(
      s,
      s.apiKey,
      'POST',
      `/v1/threads/${t.id}/messages`,
      { text: 'other' },
      h,
    );
    expect(conflict).toMatchObject({
      status: 409,
      json: { error: { code: 'idempotency_conflict' } },
    });
    const bad = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/messages`, { text: '' });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
    const page = await api(s, s.apiKey, 'GET', `/v1/threads/${t.id}/messages?limit=0`);
    expect(page).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
    c.close();
  });

  it("keeps a visitor from taking an agent reply's Idempotency-Key in their thread", async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    c.send({ type: 'send', threadId: t.id, clientId: 'idem_reply-7', text: 'squatting' });
    expect(await c.next('error')).toMatchObject({ code: 'bad_frame' });
    // Any other id of the visitor's own is fine, even one that starts with "idem".
    await c.sendMessage(t.id, 'idempotent-1', 'mine');
    const reply = await api(
      s,
      s.apiKey,
      'POST',
      `/v1/threads/${t.id}/messages`,
      { text: 'the agent reply' },
      { 'idempotency-key': 'reply-7' },
    );
    expect(reply).toMatchObject({ status: 201, json: { duplicate: false } });
    const history = await api(s, s.apiKey, 'GET', `/v1/threads/${t.id}/messages`);
    expect(history.json.messages.map((m: { text: string }) => m.text)).toEqual([
      'mine',
      'the agent reply',
    ]);
    c.close();
  });

  it('keeps 64-character Idempotency-Keys that share their first 63 characters apart', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    const path = `/v1/threads/${t.id}/messages`;
    const stem = 'k'.repeat(63);
    const post = (key: string, text: string) =>
      api(s, s.apiKey, 'POST', path, { text }, { 'idempotency-key': key });
    const first = await post(`${stem}1`, 'first reply');
    const second = await post(`${stem}2`, 'second reply');
    expect(first).toMatchObject({ status: 201, json: { duplicate: false } });
    expect(second).toMatchObject({ status: 201, json: { duplicate: false } });
    expect(second.json.message.seq).toBe(first.json.message.seq + 1);
    // Each key still finds its own reply again.
    expect(await post(`${stem}2`, 'second reply')).toMatchObject({
      status: 200,
      json: { duplicate: true, message: { id: second.json.message.id } },
    });
    const history = await api(s, s.apiKey, 'GET', path);
    expect(history.json.messages.map((m: { text: string }) => m.text)).toEqual([
      'first reply',
      'second reply',
    ]);
    // The longest key still fits the 64 characters of the client id it is stored under.
    expect(second.json.message.clientId.length).toBeLessThanOrEqual(64);
    c.close();
  });
});
