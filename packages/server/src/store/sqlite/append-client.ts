/** Main-thread handle on the append worker: one request per batch, answers matched by id. */
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppendInput, AppendResult } from '../store.js';
import { decodeResults, type WireResult } from './append-codec.js';

type Waiter = {
  inputs: AppendInput[];
  resolve: (r: AppendResult[]) => void;
  reject: (e: Error) => void;
};

/**
 * The worker's compiled entry: next to this file in dist, or, when this file runs from its
 * TypeScript source (the package's own tests), the package's build output.
 */
function spawnWorker(path: string): Worker {
  const candidates = [
    new URL('./append-worker.js', import.meta.url),
    new URL('../../../dist/store/sqlite/append-worker.js', import.meta.url),
  ];
  const entry = candidates.find((u) => existsSync(fileURLToPath(u)));
  if (!entry)
    throw new Error('append worker not built: run `pnpm --filter @causette/server build`');
  return new Worker(entry, { workerData: { path } });
}

export class AppendWorkerClient {
  private readonly worker: Worker;
  private nextId = 0;
  private readonly pending = new Map<number, Waiter>();
  private dead: Error | null = null;

  constructor(path: string) {
    this.worker = spawnWorker(path);
    this.worker.on('message', (m: { id: number; results?: WireResult[]; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.results) p.resolve(decodeResults(p.inputs, m.results));
      else p.reject(new Error(m.error ?? 'append failed'));
    });
    const die = (e: Error) => {
      this.dead ??= e;
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    this.worker.on('error', die);
    this.worker.on('exit', (code) => die(new Error(`append worker exited (${code})`)));
    this.worker.unref();
  }

  run(inputs: AppendInput[]): Promise<AppendResult[]> {
    if (this.dead) return Promise.reject(this.dead);
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      // Unref'd while idle so it never keeps a process alive on its own.
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { inputs, resolve, reject });
      this.worker.postMessage({ id, inputs: JSON.stringify(inputs) });
    });
  }

  async close(): Promise<void> {
    if (this.dead) return;
    this.worker.ref();
    await new Promise<void>((resolve) => {
      const done = () => resolve();
      this.worker.once('message', done);
      this.worker.once('exit', done);
      this.worker.postMessage({ close: true });
    });
    await this.worker.terminate();
  }
}
