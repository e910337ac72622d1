/**
 * Group commit: appends are queued and written in ONE transaction per batch; each caller's
 * promise resolves only after that transaction committed (durably: synchronous=FULL).
 * While a commit is in flight, new appends gather into the next batch, so the batch grows
 * with the load instead of the number of transactions. Never one autocommit per message.
 */
import type { AppendInput, AppendResult, Store } from '../store/store.js';

interface Pending {
  input: AppendInput;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

export class MessageWriter {
  private batch: Pending[] = [];
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
        // Let every frame already read in this event-loop turn join the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
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
