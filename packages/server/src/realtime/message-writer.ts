/**
 * Group commit: appends are queued and written in ONE transaction per batch; each caller's
 * promise resolves only after that transaction committed (durably: synchronous=FULL).
 * A batch stays open while it grows: after each turn of the event loop (whose poll phase reads
 * the frames that arrived meanwhile) it waits one more turn if messages joined it during the
 * last one, up to MAX_GATHER_TURNS; a lone message waits one idle turn. So the batch grows with
 * the load instead of the number of transactions. Never one autocommit per message.
 */
import type { AppendInput, AppendResult, Store } from '../store/store.js';

interface Pending {
  input: AppendInput;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

/**
 * Turns a growing batch may wait. Measured on Intel 4 (BENCHMARKS.md, stop 16): closing the
 * batch after one turn, Causette reached 46-49% of raw ws at 100 clients with 33-34 µs of server
 * CPU per message; waiting while the batch grows, 53-55% with 29-30 µs (each commit's fsync,
 * thread-row updates and writes are shared by more messages). 4 turns did a little less than
 * 16; 64 did no better than 16.
 */
export const MAX_GATHER_TURNS = 16;

/**
 * Calls `close` once the batch whose size `size()` reads has stopped growing: after the first
 * event-loop turn that added nothing to it, or after MAX_GATHER_TURNS turns. (The bench's
 * durable relay gathers its batches with this too.)
 */
export function whenGathered(size: () => number, close: () => void): void {
  let turns = 0;
  let gathered = 0;
  const turn = (): void => {
    const n = size();
    if (n > gathered && turns < MAX_GATHER_TURNS) {
      gathered = n;
      turns += 1;
      setImmediate(turn);
      return;
    }
    close();
  };
  setImmediate(turn);
}

export class MessageWriter {
  private batch: Pending[] = [];
  /** The open batch is being gathered (whenGathered has not closed it yet). */
  private scheduled = false;
  private committing: Promise<void> | null = null;
  /** Batches committed and messages in them, for metrics and tests. */
  readonly stats = { batches: 0, messages: 0, maxBatch: 0 };

  constructor(private readonly store: Store) {}

  enqueue(input: AppendInput): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.batch.push({ input, resolve, reject });
      if (!this.scheduled && !this.committing) {
        this.scheduled = true;
        whenGathered(this.size, this.close);
      }
    });
  }

  private readonly size = (): number => this.batch.length;

  private readonly close = (): void => {
    this.scheduled = false;
    this.flush();
  };

  private flush(): void {
    if (this.committing || this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.committing = this.commit(batch);
  }

  private async commit(batch: Pending[]): Promise<void> {
    let results: AppendResult[] | undefined;
    let error: unknown;
    try {
      results = await this.store.appendMessages(batch.map((p) => p.input));
    } catch (e) {
      error = e;
    }
    // Start the batch that gathered meanwhile before acking this one.
    this.committing = null;
    if (this.batch.length > 0) this.flush();
    if (!results) {
      for (const p of batch) p.reject(error);
      return;
    }
    this.stats.batches += 1;
    this.stats.messages += batch.length;
    this.stats.maxBatch = Math.max(this.stats.maxBatch, batch.length);
    batch.forEach((p, i) => p.resolve(results[i]!));
  }

  /** Commit whatever is queued and wait for it (graceful shutdown). */
  async drain(): Promise<void> {
    for (;;) {
      if (this.committing) await this.committing;
      else if (this.batch.length > 0) this.flush();
      else return;
    }
  }
}
