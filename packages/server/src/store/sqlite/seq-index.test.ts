import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from '@causette/shared';
import { RUN_SPAN } from './seq-index.js';
import { SqliteStore } from './sqlite-store.js';
import { storeFixture, type StoreFixture } from '../../test-support/store-fixture.js';
import { migrationsUpTo } from '../../test-support/old-migrations.js';

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

/** Rows read through a separate read-only connection. */
async function sqlRows<T>(path: string, sql: string, ...params: unknown[]): Promise<T[]> {
  const db = new Database(path, { readonly: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** A thread's whole history, forward from the start, page by page. */
async function readForward(s: SqliteStore, threadId: string, limit: number) {
  const out: Message[] = [];
  for (let after = 0; ;) {
    const p = await s.history(threadId, { afterSeq: after, limit });
    out.push(...p.messages);
    if (!p.hasMore) return out;
    after = p.messages.at(-1)!.seq;
  }
}

/** A thread's whole history, backward from the newest, page by page. */
async function readBackward(s: SqliteStore, threadId: string, limit: number) {
  const out: Message[] = [];
  for (let before: number | undefined; ;) {
    const p = await s.history(
      threadId,
      before === undefined ? { limit } : { beforeSeq: before, limit },
    );
    out.unshift(...p.messages);
    if (!p.hasMore) return out;
    before = p.messages[0]!.seq;
  }
}

describe('per-thread order with bulk indexing', () => {
  it('pages every thread forward and backward across indexed and unindexed messages', async () => {
    const { threads, sent } = await threadsWithMessages(4, 9);
    for (const t of threads) {
      const all = sent.get(t.id)!;
      expect(all.map((m) => m.seq)).toEqual(all.map((_, i) => i + 1));
      for (const limit of [1, 3, 7, 100]) {
        expect(await readForward(store, t.id, limit)).toEqual(all);
        expect(await readBackward(store, t.id, limit)).toEqual(all);
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

  it('fails a read whose recorded rowid now names another message', async () => {
    const { threads, sent } = await threadsWithMessages(2, 6);
    const [a, b] = [threads[0]!.id, threads[1]!.id];
    // Swap the rowids of the first message of each thread behind the store's back, as a
    // rowid-renumbering VACUUM could: the runs still point at the old rowids.
    const db = new Database(f.path);
    const first = (t: string) =>
      db.prepare('SELECT rowid AS r FROM messages WHERE thread_id = ? AND seq = 1').get(t) as {
        r: number;
      };
    const [ra, rb] = [first(a).r, first(b).r];
    db.exec(`UPDATE messages SET rowid = -1 WHERE rowid = ${ra};
      UPDATE messages SET rowid = ${ra} WHERE rowid = ${rb};
      UPDATE messages SET rowid = ${rb} WHERE rowid = -1;`);
    db.close();
    await expect(store.history(a, { afterSeq: 0, limit: 3 })).rejects.toThrow(
      `seq-index: ${a}/1 is not at its rowid`,
    );
    // The rest of the thread, past the damaged entry, still reads.
    expect((await store.history(a, { afterSeq: 1, limit: 100 })).messages).toEqual(
      sent.get(a)!.slice(1),
    );
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

describe('thread views from one snapshot', () => {
  it('agree with themselves when another connection appends in the middle of one', async () => {
    const { contact, threads } = await threadsWithMessages(1, 2);
    const t = threads[0]!;
    const other = new SqliteStore(f.path, { seqIndexEvery: 5 });
    // Another connection's commit lands after a view read the thread row and before it reads
    // the last message: the view must show neither half of it or both.
    const index = (store as unknown as { seqIndex: { page: (...a: unknown[]) => unknown } })
      .seqIndex;
    const page = index.page;
    let n = 0;
    index.page = (...a: unknown[]) => {
      void other.appendMessages([
        {
          appId: APP,
          threadId: t.id,
          clientId: `mid-${++n}`,
          author: { kind: 'agent' },
          text: 'in between',
          ts: Date.now(),
        },
      ]);
      return page(...a);
    };
    const reads = {
      threadView: () => store.threadView(APP, t.id),
      listThreadViews: async () => (await store.listThreadViews(APP, contact.id))[0],
      adminThread: () => store.adminThread(APP, t.id),
      listThreads: async () => (await store.listThreads(APP, { limit: 10 }))[0],
    };
    try {
      for (const [name, read] of Object.entries(reads)) {
        const before = n;
        const v = await read();
        expect(n, name).toBe(before + 1); // the other connection did commit mid-view
        expect(v!.lastMessage!.seq, name).toBe(v!.lastSeq);
      }
    } finally {
      index.page = page;
      await other.close();
    }
    // Every message appended meanwhile is there afterwards.
    expect((await store.threadView(APP, t.id))!.lastMessage!.text).toBe('in between');
  });
});

describe('runs of the per-thread order', () => {
  // One bulk step of 600 messages: a thread's run is cut at every multiple of RUN_SPAN seqs.
  let g: StoreFixture;
  beforeEach(async () => {
    g = await storeFixture([APP], { seqIndexEvery: 600 });
  });
  afterEach(() => g.cleanup());

  it(`pages and counts across runs cut every ${RUN_SPAN} seqs and the tail after them`, async () => {
    const s = g.store;
    const contact = await s.createContact(APP);
    const busy = await s.createThread(APP, contact.id);
    const quiet = await s.createThread(APP, contact.id);
    const sent: Message[] = [];
    for (let n = 0; n < 700; n += 2) {
      // The quiet thread's messages interleave, so the busy thread's rowids are not contiguous.
      const results = await s.appendMessages(
        [busy.id, busy.id, ...(n % 10 === 0 ? [quiet.id] : [])].map((threadId, i) => ({
          appId: APP,
          threadId,
          clientId: `r-${n}-${i}`,
          author: (n + i) % 3 === 0 ? { kind: 'agent' as const } : { kind: 'visitor' as const },
          text: `m${n + i}`,
          ts: Date.now(),
        })),
      );
      for (const r of results) {
        if (!r.ok) throw new Error(r.code);
        if (r.message.threadId === busy.id) sent.push(r.message);
      }
    }
    expect(sent.map((m) => m.seq)).toEqual(sent.map((_, i) => i + 1));
    // The bulk step ran once and indexed the first 600 or so messages in runs.
    const runs = await sqlRows<{ first_seq: number; last_seq: number }>(
      g.path,
      'SELECT first_seq, last_seq FROM message_runs WHERE thread_id = ? ORDER BY first_seq',
      busy.id,
    );
    expect(runs.slice(0, 2)).toEqual([
      { first_seq: 1, last_seq: RUN_SPAN },
      { first_seq: RUN_SPAN + 1, last_seq: 2 * RUN_SPAN },
    ]);
    expect(runs.length).toBe(3);
    expect(runs[2]!.last_seq).toBeLessThan(sent.length);

    const seqs = (p: { messages: Message[] }) => p.messages.map((m) => m.seq);
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const lastIndexed = runs[2]!.last_seq;
    for (const edge of [RUN_SPAN, 2 * RUN_SPAN, lastIndexed]) {
      expect(seqs(await s.history(busy.id, { afterSeq: edge - 3, limit: 6 }))).toEqual(
        range(edge - 2, edge + 3),
      );
      expect(seqs(await s.history(busy.id, { beforeSeq: edge + 4, limit: 6 }))).toEqual(
        range(edge - 2, edge + 3),
      );
      for (const read of [edge - 1, edge, edge + 1]) {
        await s.setReadCursor(APP, busy.id, 'visitor', read);
        const view = await s.threadView(APP, busy.id);
        expect(view!.unread).toBe(
          sent.filter((m) => m.seq > read && m.author.kind !== 'visitor').length,
        );
        expect(view!.lastMessage).toEqual(sent.at(-1));
      }
    }
    // Whole history, both ways, in pages that straddle every run and the tail.
    for (const limit of [37, 1000]) {
      expect(await readForward(s, busy.id, limit)).toEqual(sent);
      expect(await readBackward(s, busy.id, limit)).toEqual(sent);
    }
  });
});

describe('upgrade from the one-row-per-message order (migration 0003)', () => {
  it('turns the indexed order into runs and keeps every message reachable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'causette-upgrade-'));
    const path = join(dir, 'causette.db');
    try {
      // A database as the server left it at migration 0002: `message_seq` holds one row per
      // indexed message, the rest is the unindexed tail.
      const old = new Database(path);
      migrate(drizzle(old), { migrationsFolder: migrationsUpTo(dir, 3) });
      const now = Date.now();
      old
        .prepare("INSERT INTO apps (id, name, identity_secret, created_at) VALUES (?, ?, 's', ?)")
        .run(APP, APP, now);
      old
        .prepare('INSERT INTO contacts (id, app_id, created_at, updated_at) VALUES (?,?,?,?)')
        .run('c1', APP, now, now);
      const insert = old.prepare(
        `INSERT INTO messages (id, thread_id, seq, client_id, author_kind, text, created_at)
           VALUES (?,?,?,?,?,?,?)`,
      );
      const threadIds = ['long', 'short', 'tailOnly'];
      const expected = new Map<string, { seq: number; text: string; kind: string }[]>();
      for (const t of threadIds) {
        old
          .prepare(
            'INSERT INTO threads (id, app_id, contact_id, created_at, updated_at) VALUES (?,?,?,?,?)',
          )
          .run(t, APP, 'c1', now, now);
        expected.set(t, []);
      }
      // Messages interleaved over the threads, up to `last` seqs each.
      const write = (last: Record<string, number>) => {
        for (let more = true; more;) {
          more = false;
          for (const t of threadIds) {
            const sent = expected.get(t)!;
            if (sent.length >= (last[t] ?? 0)) continue;
            more = true;
            const seq = sent.length + 1;
            const kind = seq % 4 === 0 ? 'agent' : 'visitor';
            insert.run(`${t}-${seq}`, t, seq, `k-${t}-${seq}`, kind, `${t} ${seq}`, now);
            old.prepare('UPDATE threads SET last_seq = ? WHERE id = ?').run(seq, t);
            sent.push({ seq, text: `${t} ${seq}`, kind });
          }
        }
      };
      // What the old bulk step had indexed, then the unindexed tail.
      old.pragma('journal_mode = WAL');
      old.pragma('synchronous = OFF'); // setting up only
      write({ long: 600, short: 3 });
      old.exec(`INSERT INTO message_seq SELECT thread_id, seq, rowid FROM messages;
        UPDATE meta SET value = (SELECT max(rowid) FROM messages) WHERE key = 'seq_index_upto';`);
      write({ long: 650, short: 5, tailOnly: 4 });
      old.close();

      const store = new SqliteStore(path);
      try {
        for (const [t, want] of expected) {
          const got = (await store.history(t, { limit: 1000 })).messages;
          expect(got.map((m) => ({ seq: m.seq, text: m.text, kind: m.author.kind }))).toEqual(want);
          await store.setReadCursor(APP, t, 'visitor', 2);
          const view = await store.threadView(APP, t);
          expect(view!.unread).toBe(want.filter((m) => m.seq > 2 && m.kind !== 'visitor').length);
        }
        const tables = await sqlRows<{ name: string }>(
          path,
          "SELECT name FROM sqlite_schema WHERE name IN ('message_seq', 'message_runs')",
        );
        expect(tables.map((r) => r.name)).toEqual(['message_runs']);
        const runs = await sqlRows<{ first_seq: number; last_seq: number }>(
          path,
          "SELECT first_seq, last_seq FROM message_runs WHERE thread_id = 'long' ORDER BY first_seq",
        );
        expect(runs).toEqual([
          { first_seq: 1, last_seq: 256 },
          { first_seq: 257, last_seq: 512 },
          { first_seq: 513, last_seq: 600 },
        ]);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
