/**
 * The per-thread order of messages, kept off the append hot path. An index on
 * `messages (thread_id, seq)` dirties one page per active thread in every commit; with 50 busy
 * threads that is most of what a group commit writes. Instead, `message_runs` maps each
 * thread's seqs to the messages' rowids in runs, written in bulk inside an append transaction
 * once `INDEX_EVERY` messages are waiting: one row per thread (per `RUN_SPAN` seqs) per bulk
 * step. Messages after meta `seq_index_upto` (at most `INDEX_EVERY` plus one batch) are the
 * unindexed tail.
 *
 * Readers find the tail through an in-memory map (thread -> seq, rowid, author kind), brought
 * up to date before every read from the rows added since the last read (`rowid > seen`, an
 * index seek when nothing changed), so it also sees what another connection wrote. Measured
 * with bench/tools/append-cost.ts (50 busy threads, 64 messages per commit, a step of 4,096):
 * one row per message in the order table cost 3.9 WAL frames per commit and made the step's
 * commit 10-20 ms long; runs cost 2.6 (what is left is one page per active thread per step)
 * and a ~3 ms statement, and take 8 bytes per message on disk instead of 54.
 *
 * Invariants: every message with rowid <= seq_index_upto is in exactly one run, and both change
 * in the same transaction, so a crash leaves them consistent. A thread's seqs have no gaps
 * (messages are never deleted) and grow with the rowid, so the messages of one thread in one
 * bulk step are a contiguous run of seqs.
 */
import type Database from 'better-sqlite3';
import { readSnapshot } from './snapshot.js';
import type { RawRow } from './rows.js';
import { metaCursor } from './meta-cursor.js';

export const INDEX_EVERY = 4096;
/** A run never crosses a multiple of this many seqs: it bounds a run's size and the seek. */
export const RUN_SPAN = 256;

/** One message in a thread's order (seq and rowid grow together). */
interface Entry {
  seq: number;
  rowid: number;
}

/** One unindexed message of a thread, oldest first. */
interface TailEntry extends Entry {
  visitor: boolean;
}

interface RunRow {
  first_seq: number;
  last_seq: number;
  rowids: string;
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
    `INSERT INTO message_runs (thread_id, first_seq, last_seq, rowids)
       SELECT thread_id, min(seq), max(seq), json_group_array(rowid ORDER BY seq)
       FROM messages WHERE rowid > ? AND rowid <= ? GROUP BY thread_id, (seq - 1) / ${RUN_SPAN}`,
  );
  // Runs that can hold a seq in (after, before): those starting after `after - RUN_SPAN`.
  const RUNS = `SELECT first_seq, last_seq, rowids FROM message_runs
    WHERE thread_id = ? AND first_seq > ? - ${RUN_SPAN} AND first_seq < ?`;
  const runsAsc = sqlite.prepare<[string, number, number], RunRow>(`${RUNS} ORDER BY first_seq`);
  const runsDesc = sqlite.prepare<[string, number, number], RunRow>(
    `${RUNS} ORDER BY first_seq DESC`,
  );
  const countIndexed = sqlite.prepare<[string, number, number, number, number], { n: number }>(
    `SELECT count(*) AS n FROM message_runs r, json_each(r.rowids) j, messages m
       WHERE r.thread_id = ? AND r.first_seq > ? - ${RUN_SPAN} AND r.first_seq < ?
         AND r.first_seq + j.key > ? AND r.first_seq + j.key < ?
         AND m.rowid = j.value AND m.author_kind <> 'visitor'`,
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

  /** Up to `limit` indexed entries of a thread in (after, before), in the query's order. */
  const indexedBetween = (
    threadId: string,
    after: number,
    before: number,
    limit: number,
    order: 'asc' | 'desc',
  ): Entry[] => {
    const out: Entry[] = [];
    if (limit <= 0) return out;
    for (const run of (order === 'asc' ? runsAsc : runsDesc).iterate(threadId, after, before)) {
      const rowids = JSON.parse(run.rowids) as number[];
      if (rowids.length !== run.last_seq - run.first_seq + 1) {
        throw new Error(`seq-index: run ${threadId}/${run.first_seq} does not match its seqs`);
      }
      const from = Math.max(after + 1, run.first_seq);
      const to = Math.min(before - 1, run.last_seq);
      const step = order === 'asc' ? 1 : -1;
      for (let seq = order === 'asc' ? from : to; seq >= from && seq <= to; seq += step) {
        out.push({ seq, rowid: rowids[seq - run.first_seq]! });
        if (out.length === limit) return out; // leaving the loop ends the statement
      }
    }
    return out;
  };

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

  // The runs and the tail read in one read transaction: another connection's bulk step between
  // the two reads would otherwise move messages from the tail to the runs unseen (or twice).
  const inSnapshot = readSnapshot(sqlite);
  const snapshot =
    <A extends unknown[], R>(fn: (...args: A) => R) =>
    (...args: A): R =>
      inSnapshot(() => fn(...args));

  return {
    /** Call inside the append transaction, after its inserts (`lastRowid`: the newest one). */
    afterAppend(lastRowid: number): void {
      const from = upto.get();
      if (lastRowid - from < every) return;
      fill.run(from, lastRowid);
      upto.set(lastRowid);
    },

    /** Up to `limit` messages of a thread between the bounds, in seq order. */
    page: snapshot((threadId: string, q: SeqQuery): RawRow[] => {
      const [after, before] = bounds(q);
      // The tail first: its entries are newer than every indexed one, so in descending order
      // they alone may fill the page.
      const entries = tailBetween(threadId, after, before);
      let wanted: Entry[];
      if (q.order === 'asc') {
        const indexed = indexedBetween(threadId, after, before, q.limit, 'asc');
        wanted = [...indexed, ...entries.slice(0, q.limit - indexed.length)];
      } else {
        const recent = entries.slice(-q.limit).reverse();
        wanted = [
          ...recent,
          ...indexedBetween(threadId, after, before, q.limit - recent.length, 'desc'),
        ];
      }
      if (wanted.length === 0) return [];
      const rows = byRowids.all(JSON.stringify(wanted.map((e) => e.rowid)));
      rows.sort((a, b) => (q.order === 'asc' ? a.seq - b.seq : b.seq - a.seq));
      // The order is kept by rowid: a rowid that no longer names the message it was recorded
      // for (a damaged file, a rowid-renumbering VACUUM) fails the read instead of serving
      // another message in its place.
      const mismatch = wanted.findIndex(
        (e, i) => rows[i]?.thread_id !== threadId || rows[i]?.seq !== e.seq,
      );
      if (mismatch !== -1) {
        throw new Error(`seq-index: ${threadId}/${wanted[mismatch]!.seq} is not at its rowid`);
      }
      return rows;
    }),

    /** Messages after `seq` in a thread not written by the visitor (the visitor's unread). */
    unreadByVisitor: snapshot((threadId: string, seq: number): number => {
      const [after, before] = bounds({ afterSeq: seq });
      const fromTail = tailBetween(threadId, after, before).filter((e) => !e.visitor).length;
      const indexed = countIndexed.get(threadId, after, before, after, before)?.n ?? 0;
      return indexed + fromTail;
    }),
  };
}

export type SeqIndex = ReturnType<typeof prepareSeqIndex>;
