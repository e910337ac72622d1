/**
 * Group commit: every append requested during one turn of the event loop is written in ONE
 * transaction, and each caller's promise resolves only after that transaction committed
 * (durably: synchronous=FULL). Never one autocommit per message.
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
  private inflight: Promise<void> = Promise.resolve();
  /** Batches committed and messages in them, for metrics and tests. */
  readonly stats = { batches: 0, messages: 0, maxBatch: 0 };

  constructor(private readonly store: Store) {}

  enqueue(input: AppendInput): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.batch.push({ input, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    this.inflight = this.inflight.then(async () => {
      try {
        const results = await this.store.appendMessages(batch.map((p) => p.input));
        this.stats.batches += 1;
        this.stats.messages += batch.length;
        this.stats.maxBatch = Math.max(this.stats.maxBatch, batch.length);
        batch.forEach((p, i) => p.resolve(results[i]!));
      } catch (e) {
        for (const p of batch) p.reject(e);
      }
    });
  }

  /** Commit whatever is queued and wait for it (graceful shutdown). */
  async drain(): Promise<void> {
    if (this.scheduled) this.flush();
    await this.inflight;
  }
}
