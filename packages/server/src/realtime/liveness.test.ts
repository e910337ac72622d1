import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { CloseCode } from '@causette/shared';
import { TestClient, openSession } from '../testing/ws-test-client.js';
import { api, serverFixture, type Fixture } from '../test-support/fixtures.js';
import { MemoryBus } from '../bus/memory-bus.js';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { until } from '../test-support/until.js';

let s: Fixture | undefined;
afterEach(async () => {
  await s?.cleanup();
  s = undefined;
});

describe('heartbeat', () => {
  it('closes a peer that stops answering with 4010, keeps one that answers', async () => {
    s = await serverFixture({ heartbeatMs: 100 });
    const silent = await TestClient.connect(s.url, s.appId);
    silent.autoPong = false;
    const alive = await TestClient.connect(s.url, s.appId);
    expect((await silent.waitClosed(3000)).code).toBe(CloseCode.HeartbeatTimeout);
    expect(alive.closed).toBeNull();
    expect(alive.take('ping').length).toBeGreaterThan(0);
    alive.close();
  });

  it('closes a socket that never says hello once the heartbeat window passes, unpinged', async () => {
    s = await serverFixture({ heartbeatMs: 100 });
    const { token, contactId } = await openSession(s.url, { appId: s.appId });
    const mute = await TestClient.open(s.url, token);
    expect(s.hub.socketsOf(contactId)).toBe(1);
    expect((await mute.waitClosed(3000)).code).toBe(CloseCode.HeartbeatTimeout);
    expect(mute.frames).toEqual([]); // no ping (nor anything else) before the handshake
    expect(s.hub.size).toBe(0);
  });

  it('closes a socket that pings but never says hello once the window from its opening passes', async () => {
    s = await serverFixture({ heartbeatMs: 100 });
    const { token } = await openSession(s.url, { appId: s.appId });
    const chatty = await TestClient.open(s.url, token);
    // Frames well inside every heartbeat period: the socket is never silent.
    const timer = setInterval(() => chatty.send({ type: 'ping', t: 1 }), 30);
    onTestFinished(() => clearInterval(timer));
    const closed = await chatty.waitClosed(3000);
    expect(closed.code).toBe(CloseCode.HeartbeatTimeout);
    expect(chatty.frames.filter((f) => f.type === 'pong').length).toBeGreaterThan(3);
    expect(chatty.frames.some((f) => f.type === 'welcome')).toBe(false);
    expect(s.hub.size).toBe(0);
  });

  it('answers an application-level ping with a pong', async () => {
    s = await serverFixture();
    const c = await TestClient.connect(s.url, s.appId);
    c.send({ type: 'ping', t: 42 });
    expect(await c.next('pong')).toEqual({ type: 'pong', t: 42 });
    c.close();
  });
});

describe('sockets per visitor', () => {
  it('refuses a socket past the cap with 429 too_many_connections until one closes', async () => {
    s = await serverFixture({ maxSocketsPerContact: 3 });
    const { token, contactId } = await openSession(s.url, { appId: s.appId });
    // Sockets count from their opening, whether or not they said hello.
    const held = [
      await TestClient.connect(s.url, s.appId, { token }),
      await TestClient.open(s.url, token),
      await TestClient.connect(s.url, s.appId, { token }),
    ];
    const refused = (await TestClient.open(s.url, token).catch((e: unknown) => e)) as {
      status: number;
      body: string;
    };
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'too_many_connections' } });
    expect(s.hub.socketsOf(contactId)).toBe(3);
    // Another visitor is not affected, and the held sockets still work.
    const other = await TestClient.connect(s.url, s.appId);
    held[0]!.send({ type: 'ping', t: 7 });
    expect(await held[0]!.next('pong')).toEqual({ type: 'pong', t: 7 });
    // One tab closes: a new socket gets in.
    held[1]!.close();
    expect(
      await until(
        () => s!.hub.socketsOf(contactId),
        (n) => n === 2,
      ),
    ).toBe(2);
    held[1] = await TestClient.connect(s.url, s.appId, { token });
    expect(s.hub.socketsOf(contactId)).toBe(3);
    for (const c of [...held, other]) c.close();
  });

  it('holds the cap against upgrades that all passed the check: the extra ones close with 4009', async () => {
    // A store whose contact lookups (one per upgrade) all answer together once eight are
    // waiting, as a slow remote database might: every upgrade passes the route's count before
    // the first socket opens.
    const dir = mkdtempSync(join(tmpdir(), 'causette-slow-'));
    const inner = new SqliteStore(join(dir, 'causette.db'));
    const held: (() => void)[] = [];
    const slow = new Proxy(inner, {
      get(target, key) {
        const v: unknown = Reflect.get(target, key);
        if (key === 'getContact') {
          return async (appId: string, id: string) => {
            await new Promise<void>((r) => {
              held.push(r);
              if (held.length === 8) for (const go of held) go();
            });
            return target.getContact(appId, id);
          };
        }
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    s = await serverFixture({ store: slow, maxSocketsPerContact: 2 });
    const { token, contactId } = await openSession(s.url, { appId: s.appId });
    const tries = await Promise.allSettled(
      Array.from({ length: 8 }, () => TestClient.open(s!.url, token)),
    );
    const opened = tries.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    expect(opened.length).toBe(8);
    const open = await until(
      () => opened.filter((c) => c.closed === null).length,
      (n) => n <= 2,
    );
    expect(open).toBe(2);
    for (const c of opened.filter((c) => c.closed !== null)) {
      expect(c.closed!.code).toBe(CloseCode.TooManyConnections);
    }
    expect(s.hub.socketsOf(contactId)).toBe(2);
    for (const c of opened) c.close();
  });
});

describe('slow consumers', () => {
  it('closes a socket whose send buffer passes the limit with 4008', async () => {
    const bus = new MemoryBus();
    s = await serverFixture({ bus, maxBufferedBytes: 64 * 1024 });
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    // Stop reading: the kernel buffers fill, then the server's own buffer grows.
    (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    const text = 'x'.repeat(4000);
    for (let i = 1; i <= 5000 && s.hub.size > 0; i++) {
      bus.publish({
        type: 'message',
        appId: s.appId,
        contactId: c.welcome!.contactId,
        message: {
          id: `m${i}`,
          threadId: t.id,
          seq: i,
          clientId: null,
          author: { kind: 'bot' },
          text,
          ts: 1,
        },
      });
    }
    expect(s.hub.size).toBe(0);
    (c.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await c.waitClosed(10_000)).code).toBe(CloseCode.SlowConsumer);
  });
});

describe('typing and read cursors', () => {
  it('relays typing to the other tabs without storing it', async () => {
    s = await serverFixture();
    const { token } = await openSession(s.url, { appId: s.appId });
    const a = await TestClient.connect(s.url, s.appId, { token });
    const b = await TestClient.connect(s.url, s.appId, { token });
    const t = await a.openThread();
    a.send({ type: 'typing', threadId: t.id, on: true });
    expect(await b.next('typing')).toMatchObject({
      threadId: t.id,
      on: true,
      author: { kind: 'visitor' },
    });
    const h = await api(s, s.apiKey, 'GET', `/v1/threads/${t.id}/messages`);
    expect(h.json.messages).toEqual([]);
    a.close();
    b.close();
  });

  it('stores read cursors, broadcasts them and derives unread counts', async () => {
    s = await serverFixture();
    const { token } = await openSession(s.url, { appId: s.appId });
    const a = await TestClient.connect(s.url, s.appId, { token });
    const b = await TestClient.connect(s.url, s.appId, { token });
    const t = await a.openThread();
    await a.sendMessage(t.id, 'v1', 'question');
    for (const text of ['answer 1', 'answer 2']) {
      await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/messages`, { text });
    }
    await a.next('message', (m) => m.message.seq === 3);
    a.send({ type: 'threads.list', ref: 'l1' });
    expect((await a.next('threads')).threads[0]).toMatchObject({
      id: t.id,
      unread: 2,
      lastSeq: 3,
      lastMessage: { text: 'answer 2' },
    });
    a.send({ type: 'read', threadId: t.id, seq: 3 });
    expect(await b.next('read')).toEqual({
      type: 'read',
      threadId: t.id,
      reader: 'visitor',
      seq: 3,
    });
    // A cursor never moves back, and survives a reconnect.
    a.send({ type: 'read', threadId: t.id, seq: 1 });
    await a.next('read', (r) => r.seq === 3);
    const c = await TestClient.connect(s.url, s.appId, { token });
    c.send({ type: 'threads.list', ref: 'l2' });
    expect((await c.next('threads')).threads[0]).toMatchObject({ unread: 0, visitorReadSeq: 3 });
    for (const x of [a, b, c]) x.close();
  });
});

describe('graceful shutdown', () => {
  it('commits what is pending and closes sockets with 1001', async () => {
    s = await serverFixture();
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    for (let i = 0; i < 10; i++)
      c.send({ type: 'send', threadId: t.id, clientId: `s-${i}`, text: `${i}` });
    await c.next('ack', (a) => a.clientId === 's-0');
    const stopped = s.stop();
    expect((await c.waitClosed()).code).toBe(CloseCode.GoingAway);
    await stopped;
    const acked = c.take('ack').length + 1;
    const { SqliteStore } = await import('../store/sqlite/sqlite-store.js');
    const { join } = await import('node:path');
    const reopened = new SqliteStore(join(s.dataDir, 'causette.db'));
    const page = await reopened.history(t.id, { limit: 100 });
    await reopened.close();
    expect(page.messages.length).toBeGreaterThanOrEqual(acked);
    expect(page.messages.map((m) => m.seq)).toEqual(page.messages.map((_, i) => i + 1));
  });
});
