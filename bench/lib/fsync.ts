/**
 * The disk's durable-write latency: what one group commit cannot go below. Appends 4 KiB and
 * fdatasyncs it, `n` times, in a temp folder on the same filesystem as the benchmark data.
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function fsyncLatency(n = 200): { p50: number; p99: number } {
  const dir = mkdtempSync(join(tmpdir(), 'causette-fsync-'));
  const fd = openSync(join(dir, 'probe'), 'w');
  const buf = Buffer.alloc(4096, 1);
  const t: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      writeSync(fd, buf);
      fdatasyncSync(fd);
      t.push(performance.now() - t0);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  t.sort((a, b) => a - b);
  return { p50: t[Math.floor(n / 2)]!, p99: t[Math.floor(n * 0.99)]! };
}
