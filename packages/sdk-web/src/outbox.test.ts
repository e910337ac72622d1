import { describe, expect, it } from 'vitest';
import type { ClientFrame } from '@causette/shared';
import { connected, makeClient, next, settle, setup } from './testing/helpers.js';
import { FakeServer } from './testing/fake-server.js';
import type { KeyValueStorage } from './storage.js';
import type { LocalMessage } from './types.js';

const statuses = (client: ReturnType<typeof makeClient>) => {
  const seen: string[] = [];
  client.on('message:status', (e) => seen.push(`${e.message.text}:${e.message.status}`));
  return seen;
};
const sends = (frames: ClientFrame[]) => frames.flatMap((f) => (f.type === 'send' ? [f.text] : []));

describe('offline outbox', () => {
  it('shows a send as pending at once, then sent with its seq', async () => {
    const { server, client, thread } = await setup();
    server.holdAcks = true;
    const m = thread.send('hello', { metadata: { page: '/pricing' } });
    expect(m).toMatchObject({ status: 'pending', text: 'hello', threadId: thread.id });
    expect(thread.messages).toEqual([m]);
    const sent = next(client, 'message:status');
    await settle();
    server.release();
    const { message } = await sent;
    expect(message).toMatchObject({ clientId: m.clientId, status: 'sent', seq: 1, text: 'hello' });
    expect(message.metadata).toEqual({ page: '/pricing' });
    expect(thread.messages).toEqual([message]);
    client.disconnect();
  });

  it('writes every send to storage before it goes on the wire', async () => {
    const { server, client, thread, storage } = await setup();
    let onWireWhenStored = -1;
    const set = storage.set.bind(storage);
    storage.set = async (k, v) => {
      if (k.endsWith(':outbox') && v.includes('durable')) {
        onWireWhenStored = sends(server.live!.received).length;
      }
      return set(k, v);
    };
    const sent = next(client, 'message:status');
    thread.send('durable');
    await sent;
    expect(onWireWhenStored).toBe(0);
    client.disconnect();
  });

  it('queues sends made offline and flushes them in order on reconnect, each once', async () => {
    const { server, client, thread } = await setup();
    client.disconnect();
    for (const t of ['1', '2', '3', '4']) thread.send(t);
    expect(thread.messages.map((m) => m.status)).toEqual([
      'pending',
      'pending',
      'pending',
      'pending',
    ]);
    const all = next(client, 'message:status', (e) => e.message.text === '4');
    client.connect();
    await all;
    expect(server.texts(thread.id)).toEqual(['1', '2', '3', '4']);
    expect(sends(server.live!.received)).toEqual(['1', '2', '3', '4']);
    expect(thread.messages.map((m) => `${m.seq}:${m.text}:${m.status}`)).toEqual([
      '1:1:sent',
      '2:2:sent',
      '3:3:sent',
      '4:4:sent',
    ]);
    client.disconnect();
  });

  it('survives a page reload: a new client on the same storage sends what was left', async () => {
    const { server, client, thread, storage } = await setup();
    client.disconnect();
    thread.send('before reload');
    await settle(); // the outbox write
    const reloaded = makeClient(server, storage);
    const sent = next(reloaded, 'message:status');
    const up = connected(reloaded);
    reloaded.connect();
    await up;
    expect((await sent).message).toMatchObject({ text: 'before reload', status: 'sent' });
    expect(server.texts(thread.id)).toEqual(['before reload']);
    const t = await reloaded.openThread(thread.id);
    expect(t.messages.map((m) => m.text)).toEqual(['before reload']);
    reloaded.disconnect();
  });

  it("two tabs writing the same storage offline keep each other's unsent messages", async () => {
    const { server, client: a, thread, storage } = await setup();
    const b = makeClient(server, storage);
    const up = connected(b);
    b.connect();
    await up;
    const tb = await b.openThread(thread.id);
    a.disconnect();
    b.disconnect();
    thread.send('from A');
    await settle();
    tb.send('from B'); // B never saw A's entry: its write must not erase it
    await settle();
    const stored = JSON.parse((await storage.get(`causette:${server.appId}:outbox`)) ?? '[]');
    expect(stored.map((m: LocalMessage) => m.text)).toEqual(['from A', 'from B']);
    // Both tabs are closed; the next page load sends both, once each.
    const reloaded = makeClient(server, storage);
    const both = next(reloaded, 'message:status', (e) => e.message.text === 'from B');
    reloaded.connect();
    await both;
    expect(server.texts(thread.id)).toEqual(['from A', 'from B']);
    reloaded.disconnect();
  });

  it('resends unacknowledged sends after a drop; the server keeps one copy', async () => {
    const { server, client, thread } = await setup();
    server.holdAcks = true;
    const seen = statuses(client);
    thread.send('maybe lost');
    await settle();
    expect(sends(server.live!.received)).toEqual(['maybe lost']);
    // The server committed it, but the socket died before the ack came back.
    server.release();
    const back = connected(client);
    const sent = next(client, 'message:status');
    server.drop();
    await back;
    server.holdAcks = false;
    await sent; // from the resume replay (it was stored) or the resend's duplicate ack
    await settle();
    expect(server.texts(thread.id)).toEqual(['maybe lost']);
    expect(seen).toEqual(['maybe lost:sent']);
    expect(thread.messages).toHaveLength(1);
    client.disconnect();
  });

  it('marks a send failed only for a non-retryable error, and retry() sends it again', async () => {
    const { server, client, thread } = await setup();
    const seen = statuses(client);
    server.refuse.set('placeholder', 'x');
    const failed = next(client, 'message:status');
    const m = thread.send('refused');
    server.refuse.set(m.clientId!, 'thread_closed');
    const { message } = await failed;
    expect(message).toMatchObject({
      status: 'failed',
      error: { code: 'thread_closed', message: 'thread_closed' },
    });
    expect(thread.messages.map((x: LocalMessage) => x.status)).toEqual(['failed']);
    const sent = next(client, 'message:status', (e) => e.message.status === 'sent');
    thread.retry(m.clientId!);
    await sent;
    expect(seen).toEqual(['refused:failed', 'refused:pending', 'refused:sent']);
    expect(server.texts(thread.id)).toEqual(['refused']);
    client.disconnect();
  });

  it('keeps at most 10 sends unanswered on the wire, the rest follow as acks come back', async () => {
    const { server, client, thread } = await setup();
    server.holdAcks = true;
    const texts = Array.from({ length: 25 }, (_, i) => `m${i}`);
    for (const t of texts) thread.send(t);
    await settle();
    expect(sends(server.live!.received)).toEqual(texts.slice(0, 10));
    const all = next(client, 'message:status', (e) => e.message.text === 'm24');
    server.holdAcks = false;
    server.release();
    await all;
    expect(server.texts(thread.id)).toEqual(texts);
    expect(sends(server.live!.received)).toEqual(texts);
    client.disconnect();
  });

  it('retries a transient refusal (rate limit without ref) a second later on the same link', async () => {
    const later: (() => void)[] = [];
    const { server, client, thread } = await setup({
      timers: {
        setTimeout: (fn: () => void, ms: number) =>
          ms === 1000 ? later.push(fn) : setTimeout(fn, ms),
        clearTimeout: (t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>),
      },
    });
    server.swallowSends = 1;
    thread.send('dropped by the rate limiter');
    await settle();
    const err = next(client, 'error');
    server.push(server.live!, { type: 'error', code: 'rate_limited', message: 'slow down' });
    expect((await err).code).toBe('rate_limited');
    expect(thread.messages[0]?.status).toBe('pending');
    const sent = next(client, 'message:status');
    expect(later).toHaveLength(1);
    later[0]!();
    expect((await sent).message.status).toBe('sent');
    expect(server.texts(thread.id)).toEqual(['dropped by the rate limiter']);
    expect(sends(server.live!.received)).toHaveLength(2);
    client.disconnect();
  });

  it('keeps a send pending after a retryable error and sends it on the next connection', async () => {
    const { server, client, thread } = await setup();
    const errors: string[] = [];
    client.on('message:status', (e) => errors.push(e.message.status));
    const m = thread.send('busy');
    server.refuse.set(m.clientId!, 'rate_limited');
    await settle();
    expect(thread.messages[0]?.status).toBe('pending');
    const sent = next(client, 'message:status');
    server.drop();
    await sent;
    expect(errors).toEqual(['sent']);
    expect(server.texts(thread.id)).toEqual(['busy']);
    client.disconnect();
  });

  it('connects and sends with a storage that fails every call, and reports storage_failed', async () => {
    const server = new FakeServer();
    const refuse = () => Promise.reject(new Error('IndexedDB unavailable'));
    const broken: KeyValueStorage = { get: refuse, set: refuse, delete: refuse };
    const client = makeClient(server, broken);
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    const up = connected(client);
    client.connect();
    await up;
    const thread = await client.openThread();
    const sent = next(client, 'message:status', (e) => e.message.status === 'sent');
    thread.send('still here');
    await sent;
    expect(server.texts(thread.id)).toEqual(['still here']);
    expect(errors).toContain('storage_failed');
    client.disconnect();
  });
});
