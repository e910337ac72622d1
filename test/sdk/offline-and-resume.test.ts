import { afterEach, describe, expect, it } from 'vitest';
import { agentReply, allSent, client, connect, next, server, stored } from './support.js';

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

/** A server of its own, a connected client and a new thread, all closed after the test. */
async function conversation() {
  const s = await server();
  cleanup.push(() => s.stop());
  const c = client(s.url, s.appId);
  cleanup.push(async () => c.disconnect());
  await connect(c);
  return { s, c, thread: await c.openThread() };
}

describe('sdk against the real server: offline and resume', () => {
  it('delivers messages sent while offline once, in order, after reconnecting', async () => {
    const { s, c, thread } = await conversation();
    c.disconnect();
    thread.send('written offline 1');
    thread.send('written offline 2');
    expect(thread.messages.map((m) => m.status)).toEqual(['pending', 'pending']);
    const sent = allSent(c, ['written offline 1', 'written offline 2']);
    await connect(c);
    await sent;
    const rows = await stored(s.url, s.apiKey, thread.id);
    expect(rows.map((m) => m.text)).toEqual(['written offline 1', 'written offline 2']);
    expect(thread.messages.map((m) => `${m.seq}:${m.text}:${m.status}`)).toEqual([
      '1:written offline 1:sent',
      '2:written offline 2:sent',
    ]);
  });

  it('fails a message whose frame is over the server limit instead of reconnecting on it forever', async () => {
    const { s, c, thread } = await conversation();
    const states: string[] = [];
    c.on('state', (e) => states.push(e.newState));
    // 3,000 characters pass the text limit (4,000), but each control character is six bytes of
    // JSON (\u0001): about 18 KB, over the 16 KiB frame limit.
    const failed = next(c, 'message:status', (e) => e.message.status === 'failed');
    const big = thread.send('\u0001'.repeat(3000));
    expect((await failed).message).toMatchObject({
      clientId: big.clientId,
      error: { code: 'too_large' },
    });
    // What comes after it still goes, on the same socket.
    const after = allSent(c, ['after it']);
    thread.send('after it');
    await after;
    const rows = await stored(s.url, s.apiKey, thread.id);
    expect(rows.map((m) => m.text)).toEqual(['after it']);
    expect(states).not.toContain('reconnecting');
  });

  it('shows an agent reply posted while the visitor was away, without any reload', async () => {
    const { s, c, thread } = await conversation();
    const sent = allSent(c, ['question']);
    thread.send('question');
    await sent;
    c.disconnect();
    await agentReply(s.url, s.apiKey, thread.id, 'answer while you were away');
    const reply = next(c, 'message');
    const unread = next(c, 'unread', (e) => e.count === 1);
    await connect(c);
    const { message } = await reply;
    expect(message).toMatchObject({ text: 'answer while you were away', seq: 2, status: 'sent' });
    expect(message.author.kind).toBe('agent');
    expect((await unread).threadId).toBe(thread.id);
    expect(thread.messages.map((m) => m.text)).toEqual(['question', 'answer while you were away']);
  });

  it('gets a live agent reply and a server-side drop is resumed without loss', async () => {
    const { s, c, thread } = await conversation();
    const live = next(c, 'message');
    await agentReply(s.url, s.apiKey, thread.id, 'live');
    expect((await live).message.text).toBe('live');
    // The server closes every socket (as on a slow-consumer or restart); the client resumes.
    const back = next(c, 'state', (e) => e.newState === 'connected');
    s.hub.closeAll(4008, 'slow consumer');
    await agentReply(s.url, s.apiKey, thread.id, 'during the drop');
    await back;
    if (thread.messages.length < 2) await next(c, 'message');
    expect(thread.messages.map((m) => m.text)).toEqual(['live', 'during the drop']);
  });
});
