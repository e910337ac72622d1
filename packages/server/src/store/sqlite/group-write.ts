/**
 * Group commit for writes that arrive one request at a time (a new visitor's contact, a
 * signed-in user's contact and the merge of their anonymous history): the writes queued during
 * one event-loop turn run in ONE transaction at the next check phase, and each caller's promise
 * settles only after that commit (synchronous=FULL: durably). A burst of sessions then costs
 * one fsync, and blocks the event loop once, instead of once per request.
 *
 * Each write runs in a savepoint of its own: one that throws is rolled back alone and its
 * caller gets the error, while the others in the batch are committed. Writes run in the order
 * they were queued, so a later one sees what an earlier one wrote (two sign-ins of one new user
 * in the same turn: the first creates the contact, the second finds it).
 */
import type Database from 'better-sqlite3';

/** One queued write: synchronous statements on the store's connection, and its result. */
export type Write<R> = () => R;

interface Pending {
  write: Write<unknown>;
  resolve: (r: unknown) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class GroupWrite {
  private queue: Pending[] = [];
  private scheduled = false;
  private readonly batchTx: Database.Transaction<(writes: Write<unknown>[]) => Outcome[]>;
  /** Transactions committed and writes in them, failed ones included (for tests). */
  readonly stats = { batches: 0, writes: 0 };

  constructor(sqlite: Database.Database) {
    // A transaction function called inside another one runs as a savepoint (better-sqlite3).
    const one = sqlite.transaction((write: Write<unknown>) => write());
    this.batchTx = sqlite.transaction((writes: Write<unknown>[]) =>
      writes.map((write): Outcome => {
        try {
          return { ok: true, value: one(write) };
        } catch (error) {
          // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) can make SQLite roll back the whole
          // transaction, not just the statement: the writes before this one are undone, and
          // the ones after it must not run outside a transaction. Fail the batch.
          if (!sqlite.inTransaction) throw error;
          return { ok: false, error };
        }
      }),
    );
  }

  /** Resolves with the write's result once it is committed; rejects if it failed. */
  add<R>(write: Write<R>): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ write, resolve: resolve as (r: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Write what is queued now (the next check phase does it anyway; the store's close calls it). */
  flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    let outcomes: Outcome[];
    try {
      // IMMEDIATE: take the write lock up front (busy_timeout waits for another writer).
      outcomes = this.batchTx.immediate(batch.map((p) => p.write));
    } catch (error) {
      // The transaction itself failed (the lock, the commit): nothing of it is stored.
      for (const p of batch) p.reject(error);
      return;
    }
    this.stats.batches += 1;
    this.stats.writes += batch.length;
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}
