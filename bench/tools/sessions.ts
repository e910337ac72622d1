/**
 * New visitor sessions per second: `POST /v1/session` without a token (each creates an
 * anonymous contact), `n` of them with `concurrency` in flight, against the Causette server in
 * its own process. Prints sessions/s, latency percentiles and the server's CPU per session.
 * With a third argument, a second Causette build (see ab.ts) is measured the same way right
 * after, for a before/after on the same host minute.
 * Usage: node --import tsx bench/tools/sessions.ts [n] [concurrency] [otherCli]
 */
import { freePort } from '../lib/ports.js';
import { cpuMicros, waitReady } from '../lib/proc.js';
import { startTarget } from '../lib/targets.js';
import { openSession, pool } from '../load/clients.js';

const n = Number(process.argv[2] ?? 5000);
const concurrency = Number(process.argv[3] ?? 50);
const otherCli = process.argv[4];

async function measure(label: string): Promise<void> {
  const t = startTarget('causette', await freePort());
  try {
    await waitReady(t.url);
    const ep = { url: t.url, appId: t.appId!, protocol: 'causette' as const };
    await pool(200, concurrency, () => openSession(ep)); // warm-up
    const cpu0 = cpuMicros(t.child.proc.pid!);
    const times: number[] = [];
    const t0 = performance.now();
    await pool(n, concurrency, async () => {
      const s = performance.now();
      await openSession(ep);
      times.push(performance.now() - s);
    });
    const secs = (performance.now() - t0) / 1000;
    const cpu = cpuMicros(t.child.proc.pid!) - cpu0;
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    console.log(
      `${label.padEnd(9)} ${Math.round(n / secs)} sessions/s  p50 ${pct(0.5).toFixed(2)}  p99 ${pct(0.99).toFixed(2)} ms  cpu ${(cpu / n).toFixed(0)} µs/session`,
    );
  } finally {
    await t.stop();
  }
}

await measure('causette');
if (otherCli) {
  process.env.CAUSETTE_BENCH_CLI = otherCli;
  await measure('other');
}
