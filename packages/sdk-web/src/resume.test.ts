import { describe, expect, it } from 'vitest';
import { connected, makeClient, next, settle, setup } from './testing/helpers.js';

const texts = (t: { messages: readonly { text: string }[] }) => t.messages.map((m) => m.text);

describe('resume and gap detection', () => {
  it('replays what was missed while disconnected, in order, without a reload', async () => {
    const { server, client, thread } = await setup();
    server.reply(thread.id, 'one');
    await next(client, 'message');
    server.drop();
    // Replies stored while the visitor is away reach no socket.
    server.reply(thread.id, 'two', { quiet: true });
    server.reply(thread.id, 'three', { quiet: true });
    const got: string[] = [];
    client.on('message', (e) => got.push(e.message.text));
    const three = next(client, 'message', (e) => e.message.text === 'three');
    await three;
    expect(got).toEqual(['two', 'three']);
    expect(texts(thread)).toEqual(['one', 'two', 'three']);
    // The hello carried the last contiguous seq of the thread.
    const hello = server.live!.received[0];
    expect(hello).toEqual({
      type: 'hello',
      v: 1,
      resume: { epoch: 'epoch-1', threads: { [thread.id]: 1 } },
    });
    client.disconnect();
  });

  it('fetches the hole when a message arrives with seq != last + 1', async () => {
    const { server, client, thread } = await setup();
    server.reply(thread.id, 'a', { quiet: true });
    server.reply(thread.id, 'b', { quiet: true });
    const c = server.reply(thread.id, 'c', { quiet: true });
    server.pushMessage(c); // seq 3 while the client holds 0: seqs 1-2 are missing
    const b = next(client, 'message', (e) => e.message.text === 'b');
    await b;
    expect(texts(thread)).toEqual(['a', 'b', 'c']);
    const asked = server.live!.received.filter((f) => f.type === 'history' && 'afterSeq' in f);
    expect(asked).toEqual([expect.objectContaining({ afterSeq: 0 })]);
    client.disconnect();
  });

  it('ignores a message it already holds (replay overlap)', async () => {
    const { server, client, thread } = await setup();
    const m = server.reply(thread.id, 'once');
    await next(client, 'message');
    let extra = 0;
    client.on('message', () => extra++);
    server.pushMessage(m);
    await settle();
    expect(extra).toBe(0);
    expect(texts(thread)).toEqual(['once']);
    client.disconnect();
  });

  it('reloads a thread when the database epoch changed, keeping unsent messages', async () => {
    const { server, client, thread } = await setup();
    server.reply(thread.id, 'old');
    await next(client, 'message');
    client.disconnect();
    const pending = thread.send('typed offline');
    server.epoch = 'epoch-2';
    const reloaded = next(client, 'thread');
    const sent = next(client, 'message:status', (e) => e.message.status === 'sent');
    client.connect();
    await reloaded;
    await sent;
    const hello = server.opened.at(-1)!.received[0];
    expect(hello).toMatchObject({ resume: { epoch: 'epoch-1' } });
    expect(texts(thread)).toEqual(['old', 'typed offline']);
    expect(server.texts(thread.id)).toEqual(['old', 'typed offline']);
    expect(pending.status).toBe('pending'); // the returned object is a snapshot
    client.disconnect();
  });

  it('loads the newest page first, then older pages with loadOlder()', async () => {
    const { server, client, storage, thread: first } = await setup();
    for (let i = 1; i <= 120; i++) server.reply(first.id, `m${i}`, { quiet: true });
    client.disconnect();
    // A page reload: same stored session, nothing loaded yet.
    const again = makeClient(server, storage);
    const up = connected(again);
    again.connect();
    await up;
    const thread = await again.openThread(first.id);
    expect(texts(thread)).toHaveLength(50);
    expect(texts(thread)[0]).toBe('m71');
    expect(thread.hasMoreOlder).toBe(true);
    await thread.loadOlder();
    await thread.loadOlder();
    expect(texts(thread)).toEqual(Array.from({ length: 120 }, (_, i) => `m${i + 1}`));
    expect(thread.hasMoreOlder).toBe(false);
    again.disconnect();
  });
});
