/**
 * The per-thread order of messages, kept off the append hot path. An index on
 * `messages (thread_id, seq)` dirties one page per active thread in every commit; with 50 busy
 * threads that is most of what a group commit writes. Instead, `message_seq` maps
 * (thread, seq) to the message's rowid and is filled in bulk, inside an append transaction,
 * once `INDEX_EVERY` messages are waiting: each thread's pages are then written once per bulk
 * step, not once per commit. Messages after meta `seq_index_upto` (at most `INDEX_EVERY` plus
 * one batch) are the unindexed tail.
 *
 * Readers find the tail through an in-memory map (thread -> seq, rowid, author kind), brought
 * up to date before every read from the rows added since the last read (`rowid > seen`, an
 * index seek when nothing changed), so it also sees what another connection wrote. The bigger
 * the bulk step the fewer pages it writes per message (bench/tools/append-cost.ts, 50 busy
 * threads: 0.26 WAL frames per message at 512, 0.06-0.07 at 4,096, paid as one longer commit
 * every 4,096 messages), and with the map the tail's size no longer costs the readers a scan.
 *
 * Invariant: every message with rowid <= seq_index_upto has its `message_seq` row; both change
 * in the same transaction, so a crash leaves them consistent.
 */
import type Database from 'better-sqlite3';
import type { RawRow } from './rows.js';
import { metaCursor } from './meta-cursor.js';

export const INDEX_EVERY = 4096;

const INDEXED = `SELECT m.* FROM message_seq s JOIN messages m ON m.rowid = s.message_rowid
  WHERE s.thread_id = ? AND s.seq > ? AND s.seq < ?`;

/** One unindexed message of a thread, oldest first (seq and rowid grow together). */
interface TailEntry {
  seq: number;
  rowid: number;
  visitor: boolean;
}

export interface SeqQuery {
  afterSeq?: number | undefined;
  beforeSeq?: number | undefined;
  limit: number;
  order: 'asc' | 'desc';
}

export function prepareSeqIndex(sqlite: Database.Database, every = INDEX_EVERY) {
  const upto = metaCursor(sqlite, 'seq_index_upto');
  const fill = sqlite.prepare(
    `INSERT INTO message_seq (thread_id, seq, message_rowid)
       SELECT thread_id, seq, rowid FROM messages WHERE rowid > ? AND rowid <= ?`,
  );
  const asc = sqlite.prepare<[string, number, number, number], RawRow>(
    `${INDEXED} ORDER BY s.seq ASC LIMIT ?`,
  );
  const desc = sqlite.prepare<[string, number, number, number], RawRow>(
    `${INDEXED} ORDER BY s.seq DESC LIMIT ?`,
  );
  const countIndexed = sqlite.prepare<[string, number, number], { n: number }>(
    `SELECT count(*) AS n FROM (${INDEXED}) WHERE author_kind <> 'visitor'`,
  );
  const newer = sqlite.prepare<
    [number],
    { rowid: number; thread_id: string; seq: number; author_kind: string }
  >('SELECT rowid, thread_id, seq, author_kind FROM messages WHERE rowid > ? ORDER BY rowid');
  const byRowids = sqlite.prepare<[string], RawRow>(
    'SELECT * FROM messages WHERE rowid IN (SELECT value FROM json_each(?))',
  );
  const bounds = (q: { afterSeq?: number | undefined; beforeSeq?: number | undefined }) =>
    [q.afterSeq ?? -1, q.beforeSeq ?? Number.MAX_SAFE_INTEGER] as const;

  // The unindexed tail: every message with indexedUpto < rowid <= seen, by thread.
  const tail = new Map<string, TailEntry[]>();
  let indexedUpto = -1;
  let seen = 0;
  const refresh = () => {
    const u = upto.get();
    if (u !== indexedUpto) {
      indexedUpto = u;
      if (seen < u) seen = u;
      for (const [threadId, entries] of tail) {
        const keep = entries.findIndex((e) => e.rowid > u);
        if (keep === -1) tail.delete(threadId);
        else if (keep > 0) entries.splice(0, keep);
      }
    }
    for (const r of newer.iterate(seen)) {
      let entries = tail.get(r.thread_id);
      if (!entries) tail.set(r.thread_id, (entries = []));
      entries.push({ seq: r.seq, rowid: r.rowid, visitor: r.author_kind === 'visitor' });
      seen = r.rowid;
    }
  };
  const tailBetween = (threadId: string, after: number, before: number): TailEntry[] => {
    refresh();
    return (tail.get(threadId) ?? []).filter((e) => e.seq > after && e.seq < before);
  };

  return {
    /** Call inside the append transaction, after its inserts (`lastRowid`: the newest one). */
    afterAppend(lastRowid: number): void {
      const from = upto.get();
      if (lastRowid - from < every) return;
      fill.run(from, lastRowid);
      upto.set(lastRowid);
    },

    /** Up to `limit` messages of a thread between the bounds, in seq order. */
    page(threadId: string, q: SeqQuery): RawRow[] {
      const [after, before] = bounds(q);
      const indexed = (q.order === 'asc' ? asc : desc).all(threadId, after, before, q.limit);
      const entries = tailBetween(threadId, after, before);
      if (entries.length === 0) return indexed;
      // Only the tail messages that can make the page are read.
      const wanted = q.order === 'asc' ? entries.slice(0, q.limit) : entries.slice(-q.limit);
      const recent = byRowids.all(JSON.stringify(wanted.map((e) => e.rowid)));
      if (recent.length !== wanted.length) throw new Error('seq-index: a tail message is gone');
      const all = [...indexed, ...recent];
      all.sort((a, b) => (q.order === 'asc' ? a.seq - b.seq : b.seq - a.seq));
      return all.slice(0, q.limit);
    },

    /** Messages after `seq` in a thread not written by the visitor (the visitor's unread). */
    unreadByVisitor(threadId: string, seq: number): number {
      const [after, before] = bounds({ afterSeq: seq });
      const fromTail = tailBetween(threadId, after, before).filter((e) => !e.visitor).length;
      return (countIndexed.get(threadId, after, before)?.n ?? 0) + fromTail;
    },
  };
}

export type SeqIndex = ReturnType<typeof prepareSeqIndex>;
