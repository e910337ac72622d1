/**
 * Quick side-by-side of raw ws and Causette throughput at one client count, alternating
 * rounds in one run (for trying a change; figures for BENCHMARKS.md come from `pnpm bench`).
 * With a fourth argument, a second Causette build (the path of its `cli.js`: a copy of
 * packages/server/dist made before the change, at packages/server/dist-NAME/dist so its
 * imports resolve, with that build's migrations copied to packages/server/dist-NAME/drizzle,
 * where it looks for them) runs in every round too: two builds compared on the same host
 * minute, each also as a ratio to the raw ws round before it. The two builds swap places every
 * round, so that the host drifting within a round favours neither, and the mean ratio of each
 * is printed at the end. Rounds of the same build have differed by up to 42% on a shared
 * host: use an even number of rounds, and repeat before concluding.
 * Usage: node --import tsx bench/tools/ab.ts [clients] [rounds] [measureMs] [otherCli]
 */
import { compileRelays } from '../lib/compile.js';
import { throughput, type ThroughputRow } from '../scenarios/throughput.js';

const clients = Number(process.argv[2] ?? 100);
const rounds = Number(process.argv[3] ?? 2);
const measureMs = Number(process.argv[4] ?? 5000);
const otherCli = process.argv[5];
compileRelays();

const runs = [
  { label: 'raw-ws', target: 'raw-ws' as const, cli: undefined },
  { label: 'durable', target: 'durable' as const, cli: undefined },
  { label: 'causette', target: 'causette' as const, cli: undefined },
  ...(otherCli ? [{ label: 'other', target: 'causette' as const, cli: otherCli }] : []),
];
const best = new Map<string, ThroughputRow>();
const ratios = new Map<string, number[]>();
for (let i = 0; i < rounds; i++) {
  let raw = 0;
  // Odd rounds measure the second build before the first.
  const order = i % 2 === 1 ? [...runs.slice(0, 2), ...runs.slice(2).reverse()] : runs;
  for (const run of order) {
    if (run.cli) process.env.CAUSETTE_BENCH_CLI = run.cli;
    else delete process.env.CAUSETTE_BENCH_CLI;
    const r = await throughput(run.target, clients, { warmupMs: 2000, measureMs });
    if (run.target === 'raw-ws') raw = r.msgsPerSec;
    else ratios.set(run.label, [...(ratios.get(run.label) ?? []), r.msgsPerSec / raw]);
    const ratio =
      run.target === 'raw-ws' ? '' : `  ${((100 * r.msgsPerSec) / raw).toFixed(0)}% of raw`;
    console.log(
      `${run.label.padEnd(9)} ${String(Math.round(r.msgsPerSec)).padStart(6)} msgs/s  p50 ${r.p50.toFixed(2)}  p99 ${r.p99.toFixed(2)}  cpu ${r.cpuUsPerMsg.toFixed(1)} µs/msg${ratio}`,
    );
    if ((best.get(run.label)?.msgsPerSec ?? 0) < r.msgsPerSec) best.set(run.label, r);
  }
}
const raw = best.get('raw-ws')!;
for (const label of runs.slice(1).map((r) => r.label)) {
  const c = best.get(label)!;
  console.log(
    `best: ${label}/raw ${((100 * c.msgsPerSec) / raw.msgsPerSec).toFixed(0)}% msgs/s, p99 ${(c.p99 / raw.p99).toFixed(2)}x`,
  );
}
for (const [label, rs] of ratios) {
  const mean = rs.reduce((a, b) => a + b, 0) / rs.length;
  console.log(`mean: ${label}/raw ${(100 * mean).toFixed(1)}% over ${rs.length} rounds`);
}
