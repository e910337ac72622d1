import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '@causette/shared';
import { SqliteStore } from './sqlite-store.js';
import { storeFixture, type StoreFixture } from '../../test-support/store-fixture.js';

// A bulk step every 5 messages, so pages, counts and last messages cross the boundary between
// indexed messages and the unindexed tail many times.
let f: StoreFixture;
let store: SqliteStore;
const APP = 'app_seq';
beforeEach(async () => {
  f = await storeFixture([APP], { seqIndexEvery: 5 });
  store = f.store;
});
afterEach(() => f.cleanup());

async function threadsWithMessages(nThreads: number, batches: number) {
  const contact = await store.createContact(APP);
  const threads = await Promise.all(
    Array.from({ length: nThreads }, () => store.createThread(APP, contact.id)),
  );
  const sent = new Map<string, Message[]>(threads.map((t) => [t.id, []]));
  let n = 0;
  for (let b = 0; b < batches; b++) {
    // Uneven batches over the threads, with agent replies mixed in.
    const inputs = threads.flatMap((t, i) =>
      Array.from({ length: 1 + ((b + i) % 3) }, () => {
        n += 1;
        return {
          appId: APP,
          threadId: t.id,
          clientId: `c-${n}`,
          author: n % 4 === 0 ? { kind: 'agent' as const } : { kind: 'visitor' as const },
          text: `m${n}`,
          ts: Date.now(),
        };
      }),
    );
    for (const r of await store.appendMessages(inputs)) {
      if (!r.ok) throw new Error(r.code);
      sent.get(r.message.threadId)!.push(r.message);
    }
  }
  return { contact, threads, sent };
}

describe('per-thread order with bulk indexing', () => {
  it('pages every thread forward and backward across indexed and unindexed messages', async () => {
    const { threads, sent } = await threadsWithMessages(4, 9);
    for (const t of threads) {
      const all = sent.get(t.id)!;
      expect(all.map((m) => m.seq)).toEqual(all.map((_, i) => i + 1));
      for (const limit of [1, 3, 7, 100]) {
        // Forward from the start, page by page.
        const forward: Message[] = [];
        for (let after = 0; ;) {
          const p = await store.history(t.id, { afterSeq: after, limit });
          forward.push(...p.messages);
          if (!p.hasMore) break;
          after = p.messages.at(-1)!.seq;
        }
        expect(forward).toEqual(all);
        // Backward from the newest.
        const backward: Message[] = [];
        for (let before: number | undefined; ;) {
          const p = await store.history(
            t.id,
            before === undefined ? { limit } : { beforeSeq: before, limit },
          );
          backward.unshift(...p.messages);
          if (!p.hasMore) break;
          before = p.messages[0]!.seq;
        }
        expect(backward).toEqual(all);
      }
      const window = await store.history(t.id, { afterSeq: 2, beforeSeq: 6, limit: 10 });
      expect(window.messages.map((m) => m.seq)).toEqual([3, 4, 5]);
    }
  });

  it('gives the last message and the unread count wherever the boundary falls', async () => {
    const { contact, threads, sent } = await threadsWithMessages(3, 7);
    for (const t of threads) {
      const all = sent.get(t.id)!;
      for (const read of [0, 2, all.length - 1, all.length]) {
        await store.setReadCursor(APP, t.id, 'visitor', read);
        const view = await store.threadView(APP, t.id);
        expect(view!.lastMessage).toEqual(all.at(-1));
        expect(view!.unread).toBe(
          all.filter((m) => m.seq > read && m.author.kind !== 'visitor').length,
        );
      }
    }
    expect((await store.listThreadViews(APP, contact.id)).length).toBe(3);
  });

  it('answers a resend with the original whether or not it is indexed yet', async () => {
    const { threads, sent } = await threadsWithMessages(2, 6);
    const t = threads[0]!;
    const first = sent.get(t.id)![0]!;
    const last = sent.get(t.id)!.at(-1)!;
    const again = await store.appendMessages(
      [first, last].map((m) => ({
        appId: APP,
        threadId: t.id,
        clientId: m.clientId,
        author: m.author,
        text: m.text,
        ts: Date.now(),
      })),
    );
    expect(again).toEqual([
      { ok: true, duplicate: true, message: first },
      { ok: true, duplicate: true, message: last },
    ]);
    const p = await store.history(t.id, { limit: 100 });
    expect(p.messages).toEqual(sent.get(t.id));
  });

  it('keeps every message reachable after a restart', async () => {
    const { threads, sent } = await threadsWithMessages(3, 5);
    store = await f.reopen();
    for (const t of threads) {
      expect((await store.history(t.id, { limit: 100 })).messages).toEqual(sent.get(t.id));
    }
  });

  it("reads what another connection appended, before and after that connection's bulk step", async () => {
    const { threads, sent } = await threadsWithMessages(2, 2);
    const t = threads[0]!;
    // The reader's tail map is warm; then a second connection writes to the same file.
    expect((await store.history(t.id, { limit: 100 })).messages).toEqual(sent.get(t.id));
    const other = new SqliteStore(f.path, { seqIndexEvery: 5 });
    try {
      for (let n = 0; n < 12; n++) {
        const [r] = await other.appendMessages([
          {
            appId: APP,
            threadId: t.id,
            clientId: `o-${n}`,
            author: { kind: 'agent' },
            text: `o${n}`,
            ts: Date.now(),
          },
        ]);
        if (!r?.ok) throw new Error('append failed');
        sent.get(t.id)!.push(r.message);
        // Every message is read exactly once, in order, whether the other connection has
        // indexed it (every 5) or not.
        expect((await store.history(t.id, { limit: 100 })).messages).toEqual(sent.get(t.id));
        const view = await store.threadView(APP, t.id);
        expect(view!.lastMessage).toEqual(r.message);
        expect(view!.unread).toBe(
          sent.get(t.id)!.filter((m) => m.author.kind !== 'visitor').length,
        );
      }
    } finally {
      await other.close();
    }
  });
});
