/**
 * Group commit for rows that arrive one request at a time (a new visitor's contact): the rows
 * queued during one event-loop turn are written in ONE transaction at the next check phase,
 * and each caller's promise settles only after that commit (synchronous=FULL: durably). A
 * burst of new sessions then costs one fsync, and blocks the event loop once, instead of once
 * per session. If the batch fails, each row is retried in a transaction of its own, so a row
 * that cannot be written fails alone.
 */
import type Database from 'better-sqlite3';

interface Pending<T> {
  row: T;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class GroupInsert<T> {
  private queue: Pending<T>[] = [];
  private scheduled = false;
  private readonly tx: Database.Transaction<(rows: T[]) => void>;
  /** Transactions committed and rows in them (for tests). */
  readonly stats = { batches: 0, rows: 0 };

  constructor(sqlite: Database.Database, write: (rows: T[]) => void) {
    this.tx = sqlite.transaction(write);
  }

  /** Resolves once `row` is committed; rejects if it could not be written. */
  add(row: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ row, resolve, reject });
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
    if (this.commit(batch.map((p) => p.row)) === null) {
      for (const p of batch) p.resolve();
      return;
    }
    for (const p of batch) {
      const failed = this.commit([p.row]);
      if (failed === null) p.resolve();
      else p.reject(failed.error);
    }
  }

  /** Null once committed, else what stopped it (the transaction is rolled back). */
  private commit(rows: T[]): { error: unknown } | null {
    try {
      this.tx.immediate(rows);
    } catch (error) {
      return { error };
    }
    this.stats.batches += 1;
    this.stats.rows += rows.length;
    return null;
  }
}
