/**
 * Cold start: from spawning the process to the first `/readyz` 200 (polled every 2 ms).
 * Causette starts on an initialised data folder (migrations applied, app created), as after a
 * deploy or a crash.
 */
import { rmSync } from 'node:fs';
import { freePort } from '../lib/ports.js';
import { waitReady } from '../lib/proc.js';
import { initCausette, startTarget, type TargetName } from '../lib/targets.js';

export interface ColdStartRow {
  target: TargetName;
  reps: number;
  medianMs: number;
  maxMs: number;
}

export async function coldStart(target: TargetName, reps: number): Promise<ColdStartRow> {
  const data = target === 'causette' ? initCausette() : undefined;
  const times: number[] = [];
  try {
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      const t = startTarget(target, await freePort(), data ? { dataDir: data.dataDir } : {});
      try {
        await waitReady(t.url, 30_000, 2);
        times.push(performance.now() - t0);
      } finally {
        await t.stop();
      }
    }
  } finally {
    if (data) rmSync(data.dataDir, { recursive: true, force: true });
  }
  times.sort((a, b) => a - b);
  return {
    target,
    reps,
    medianMs: times[Math.floor(times.length / 2)]!,
    maxMs: times[times.length - 1]!,
  };
}
