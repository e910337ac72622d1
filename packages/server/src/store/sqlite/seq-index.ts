/**
 * The per-thread order of messages, kept off the append hot path. An index on
 * `messages (thread_id, seq)` dirties one page per active thread in every commit; with 50 busy
 * threads that is most of what a group commit writes. Instead, `message_seq` maps
 * (thread, seq) to the message's rowid and is filled in bulk, inside an append transaction,
 * once `INDEX_EVERY` messages are waiting: each thread's page is then written once per bulk
 * step, not once per commit. Messages after meta `seq_index_upto` (at most about
 * `INDEX_EVERY` plus one batch) are the unindexed tail, which readers scan by rowid.
 *
 * Invariant: every message with rowid <= seq_index_upto has its `message_seq` row; both change
 * in the same transaction, so a crash leaves them consistent.
 */
import type Database from 'better-sqlite3';
import type { RawRow } from './rows.js';
import { metaCursor } from './meta-cursor.js';

export const INDEX_EVERY = 512;

const UPTO = "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq_index_upto')";
const INDEXED = `SELECT m.* FROM message_seq s JOIN messages m ON m.rowid = s.message_rowid
  WHERE s.thread_id = ? AND s.seq > ? AND s.seq < ?`;
const TAIL = `SELECT * FROM messages
  WHERE rowid > coalesce(${UPTO}, 0) AND thread_id = ? AND seq > ? AND seq < ?`;

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
  const tail = sqlite.prepare<[string, number, number], RawRow>(TAIL);
  const countIndexed = sqlite.prepare<[string, number, number], { n: number }>(
    `SELECT count(*) AS n FROM (${INDEXED}) WHERE author_kind <> 'visitor'`,
  );
  const countTail = sqlite.prepare<[string, number, number], { n: number }>(
    `SELECT count(*) AS n FROM (${TAIL}) WHERE author_kind <> 'visitor'`,
  );
  const bounds = (q: { afterSeq?: number | undefined; beforeSeq?: number | undefined }) =>
    [q.afterSeq ?? -1, q.beforeSeq ?? Number.MAX_SAFE_INTEGER] as const;

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
      const recent = tail.all(threadId, after, before);
      if (recent.length === 0) return indexed;
      const all = [...indexed, ...recent];
      all.sort((a, b) => (q.order === 'asc' ? a.seq - b.seq : b.seq - a.seq));
      return all.slice(0, q.limit);
    },

    /** Messages after `seq` in a thread not written by the visitor (the visitor's unread). */
    unreadByVisitor(threadId: string, seq: number): number {
      const [after, before] = bounds({ afterSeq: seq });
      return (
        (countIndexed.get(threadId, after, before)?.n ?? 0) +
        (countTail.get(threadId, after, before)?.n ?? 0)
      );
    },
  };
}

export type SeqIndex = ReturnType<typeof prepareSeqIndex>;
