import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode, ErrorCode, MAX_FRAME_BYTES } from '@causette/shared';
import { TestClient, openSession } from '../testing/ws-test-client.js';
import { api, createOtherApp, serverFixture, type Fixture } from '../test-support/fixtures.js';

let s: Fixture;
beforeEach(async () => {
  s = await serverFixture({ rateLimitPerSecond: 50, rateLimitBurst: 20 });
});
afterEach(async () => {
  await s.cleanup();
});

async function messageCount(threadId: string): Promise<number> {
  const h = await api(s, s.apiKey, 'GET', `/v1/threads/${threadId}/messages?limit=100`);
  return h.json.messages.length;
}

describe('malformed frames get a typed error and change nothing', () => {
  const cases: [string, string, string][] = [
    ['invalid JSON', '{"type":"send",', ErrorCode.BadJson],
    ['a JSON array', '[]', ErrorCode.BadFrame],
    ['an unknown type', '{"type":"delete_everything"}', ErrorCode.UnknownType],
    ['a send without text', '{"type":"send","threadId":"t","clientId":"c"}', ErrorCode.BadFrame],
    [
      'a send with an object as text',
      '{"type":"send","threadId":"t","clientId":"c","text":{}}',
      ErrorCode.BadFrame,
    ],
    ['a second hello', '{"type":"hello","v":1}', ErrorCode.BadFrame],
  ];
  it.each(cases)('%s', async (_, raw, code) => {
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    await c.sendMessage(t.id, 'ok-1', 'before');
    c.sendRaw(raw);
    expect((await c.next('error')).code).toBe(code);
    // The connection keeps working and nothing was stored.
    const ack = await c.sendMessage(t.id, 'ok-2', 'after');
    expect(ack.seq).toBe(2);
    expect(await messageCount(t.id)).toBe(2);
    c.close();
  });

  it('answers a binary frame with bad_frame', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    c.sendRaw(Buffer.from([1, 2, 3]));
    expect((await c.next('error')).code).toBe(ErrorCode.BadFrame);
    c.close();
  });

  it('closes the socket with 1009 on a frame over the size limit', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    c.sendRaw(JSON.stringify({ type: 'ping', t: 1, pad: 'x'.repeat(MAX_FRAME_BYTES + 10) }));
    expect((await c.waitClosed()).code).toBe(CloseCode.TooLarge);
    expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
  });

  it('refuses frames before hello', async () => {
    const { token } = await openSession(s.url, { appId: s.appId });
    const c = await TestClient.open(s.url, token);
    c.send({ type: 'threads.list', ref: 'early' });
    expect(await c.next('error')).toMatchObject({ code: ErrorCode.NotReady });
    c.send({ type: 'hello', v: 1 });
    await c.next('welcome');
    c.close();
  });

  it('refuses an unsupported protocol version and closes with 4002', async () => {
    const { token } = await openSession(s.url, { appId: s.appId });
    const c = await TestClient.open(s.url, token);
    c.send({ type: 'hello', v: 99 });
    expect((await c.next('error')).code).toBe(ErrorCode.UnsupportedVersion);
    expect((await c.waitClosed()).code).toBe(CloseCode.ProtocolError);
  });
});

describe('tenancy: a visitor reaches only their own threads', () => {
  it("another visitor's thread id is not_found for send, history, read and open", async () => {
    const owner = await TestClient.connect(s.url, s.appId);
    const t = await owner.openThread();
    await owner.sendMessage(t.id, 'mine', 'private');
    const intruder = await TestClient.connect(s.url, s.appId);
    intruder.send({ type: 'send', threadId: t.id, clientId: 'evil', text: 'hi' });
    expect(await intruder.next('error')).toMatchObject({ code: ErrorCode.NotFound, ref: 'evil' });
    intruder.send({ type: 'history', ref: 'h', threadId: t.id });
    expect(await intruder.next('error')).toMatchObject({ code: ErrorCode.NotFound, ref: 'h' });
    intruder.send({ type: 'thread.open', ref: 'o', threadId: t.id });
    expect(await intruder.next('error')).toMatchObject({ code: ErrorCode.NotFound, ref: 'o' });
    intruder.send({ type: 'read', threadId: t.id, seq: 1 });
    expect((await intruder.next('error')).code).toBe(ErrorCode.NotFound);
    intruder.send({ type: 'hello', v: 1 }); // noise
    expect(await messageCount(t.id)).toBe(1);
    expect(intruder.take('message')).toEqual([]);
    owner.close();
    intruder.close();
  });

  it("another app's thread is invisible to the agent API of this app", async () => {
    const other = await createOtherApp(s);
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    const r = await api(s, other.apiKey, 'POST', `/v1/threads/${t.id}/messages`, { text: 'x' });
    expect(r).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
    expect((await api(s, other.apiKey, 'GET', `/v1/threads/${t.id}/messages`)).status).toBe(404);
    expect(await messageCount(t.id)).toBe(0);
    c.close();
  });
});

describe('floods', () => {
  it('rate-limits a flooding connection, then closes it with 4029', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    for (let i = 0; i < 200; i++) c.send({ type: 'ping', t: i });
    expect((await c.next('error', (e) => e.code === ErrorCode.RateLimited)).code).toBe(
      ErrorCode.RateLimited,
    );
    expect((await c.waitClosed()).code).toBe(CloseCode.RateLimited);
    // Others are unaffected.
    const d = await TestClient.connect(s.url, s.appId);
    d.send({ type: 'ping', t: 1 });
    expect(await d.next('pong')).toEqual({ type: 'pong', t: 1 });
    d.close();
  });
});

describe('upgrade checks run before a socket opens', () => {
  it('rejects a missing, forged or foreign token with 401', async () => {
    await expect(TestClient.open(s.url, '')).rejects.toMatchObject({ status: 401 });
    await expect(TestClient.open(s.url, 'forged.token')).rejects.toMatchObject({ status: 401 });
    const { token } = await openSession(s.url, { appId: s.appId });
    const [body, sig] = token.split('.') as [string, string];
    const tampered = `${body.slice(0, -2)}AA.${sig}`;
    await expect(TestClient.open(s.url, tampered)).rejects.toMatchObject({ status: 401 });
  });

  it('rejects a browser origin the app does not allow with 403', async () => {
    const { token } = await openSession(s.url, { appId: s.appId });
    await expect(
      TestClient.open(s.url, token, { origin: 'https://evil.example' }),
    ).rejects.toMatchObject({
      status: 403,
      body: expect.stringContaining('forbidden_origin'),
    });
  });

  it.each(['a b', 'a:99999', '['])(
    'answers 400 to an upgrade whose Host header is %j, and stays up',
    async (host) => {
      const port = new URL(s.url).port;
      const answer = await new Promise<string>((resolve, reject) => {
        const sock = connect(Number(port), '127.0.0.1', () => {
          sock.write(
            `GET /v1/ws HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\n` +
              'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
          );
        });
        let text = '';
        sock.on('data', (d) => (text += d.toString()));
        sock.on('close', () => resolve(text));
        sock.on('error', reject);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer).toContain('"code":"validation_failed"');
      // The server is still there, and a well-formed visitor still gets in.
      expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
      const c = await TestClient.connect(s.url, s.appId);
      c.close();
    },
  );

  it('answers 404 for upgrades on other paths', async () => {
    const res = await fetch(`${s.url}/v1/ws`);
    expect(res.status).toBe(426);
  });
});
