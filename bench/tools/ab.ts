/**
 * Quick side-by-side of raw ws and Causette throughput at one client count, alternating
 * rounds in one run (for trying a change; figures for BENCHMARKS.md come from `pnpm bench`).
 * Usage: node --import tsx bench/tools/ab.ts [clients] [rounds] [measureMs]
 */
import { compileRelays } from '../lib/compile.js';
import { throughput, type ThroughputRow } from '../scenarios/throughput.js';

const clients = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 2);
const measureMs = Number(process.argv[4] ?? 5000);
compileRelays();
const best = new Map<string, ThroughputRow>();
for (let i = 0; i < rounds; i++) {
  for (const target of ['raw-ws', 'causette'] as const) {
    const r = await throughput(target, clients, { warmupMs: 2000, measureMs });
    console.log(
      `${target.padEnd(9)} ${String(Math.round(r.msgsPerSec)).padStart(6)} msgs/s  p50 ${r.p50.toFixed(2)}  p99 ${r.p99.toFixed(2)}  cpu ${r.cpuUsPerMsg.toFixed(1)} µs/msg`,
    );
    if ((best.get(target)?.msgsPerSec ?? 0) < r.msgsPerSec) best.set(target, r);
  }
}
const raw = best.get('raw-ws')!;
const c = best.get('causette')!;
console.log(
  `best: causette/raw ${((100 * c.msgsPerSec) / raw.msgsPerSec).toFixed(0)}% msgs/s, p99 ${(c.p99 / raw.p99).toFixed(2)}x`,
);
