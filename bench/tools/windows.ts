/**
 * How Causette's group commit behaves from one second to the next under the throughput load:
 * starts the server in this process, runs the load generator as a child, and prints one line
 * per window: messages per second, batches and their mean size, time inside the append
 * transaction per batch, server CPU per message (all threads) and the event loop's use.
 * Usage: node --import tsx bench/tools/windows.ts [clients] [seconds] [windowMs]
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { underLoad } from '../lib/in-process.js';

const clients = Number(process.argv[2] ?? 100);
const seconds = Number(process.argv[3] ?? 30);
const windowMs = Number(process.argv[4] ?? 1000);
const { server: s, gen, dataDir } = await underLoad(clients, seconds * 1000);

// Time spent inside the append: the transaction, its statements and its commit with the fsync
// (the SQLite store does all of it synchronously, inside the call).
let appendNs = 0n;
const append = s.store.appendMessages.bind(s.store);
s.store.appendMessages = (inputs) => {
  const t0 = process.hrtime.bigint();
  try {
    return append(inputs);
  } finally {
    appendNs += process.hrtime.bigint() - t0;
  }
};

await gen.line((o) => o.phase === 'measure-start');

const snap = () => ({
  t: performance.now(),
  msgs: s.writer.stats.messages,
  batches: s.writer.stats.batches,
  appendNs,
  cpu: process.cpuUsage(),
  elu: performance.eventLoopUtilization(),
});
let prev = snap();
const timer = setInterval(() => {
  const now = snap();
  const msgs = now.msgs - prev.msgs;
  const batches = now.batches - prev.batches;
  const secs = (now.t - prev.t) / 1000;
  const cpuUs = now.cpu.user - prev.cpu.user + (now.cpu.system - prev.cpu.system);
  const elu = performance.eventLoopUtilization(now.elu, prev.elu).utilization;
  const perBatchMs = batches ? Number(now.appendNs - prev.appendNs) / 1e6 / batches : 0;
  console.log(
    [
      `${Math.round(msgs / secs)}`.padStart(6) + ' msgs/s',
      `${batches}`.padStart(5) + ' batches',
      `${(msgs / Math.max(1, batches)).toFixed(1)}`.padStart(6) + ' per batch',
      `${perBatchMs.toFixed(2)}`.padStart(6) + ' ms append/batch',
      `${(cpuUs / Math.max(1, msgs)).toFixed(1)}`.padStart(6) + ' µs cpu/msg',
      `elu ${elu.toFixed(2)}`,
    ].join('  '),
  );
  prev = now;
}, windowMs);
await gen.line((o) => 'result' in o);
clearInterval(timer);
await gen.stop();
await s.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exit(0);
