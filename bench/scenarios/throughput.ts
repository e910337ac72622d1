/**
 * Throughput and latency: N clients in 2-party threads, one message in flight per client.
 * Server CPU per message is read from /proc over the measured window (all threads of the
 * server process, libuv's pool included).
 */
import { cpuMicros } from '../lib/proc.js';
import type { TargetName } from '../lib/targets.js';
import { endpoint, loadgen, ready } from './common.js';

export interface ThroughputRow {
  target: TargetName;
  clients: number;
  msgsPerSec: number;
  p50: number;
  p99: number;
  max: number;
  cpuUsPerMsg: number;
}

interface LoadResult {
  msgsPerSec: number;
  acks: number;
  p50: number;
  p99: number;
  max: number;
}

export async function throughput(
  target: TargetName,
  clients: number,
  timing: { warmupMs: number; measureMs: number },
): Promise<ThroughputRow> {
  const server = await ready(target);
  const gen = loadgen({
    mode: 'throughput',
    ...endpoint(server),
    clients,
    payloadBytes: 100,
    ...timing,
  });
  try {
    const pid = server.child.proc.pid!;
    await gen.line((o) => o.phase === 'measure-start');
    const cpu0 = cpuMicros(pid);
    await gen.line((o) => o.phase === 'measure-end');
    const cpu1 = cpuMicros(pid);
    const { result } = await gen.line<{ result: LoadResult }>((o) => 'result' in o);
    return {
      target,
      clients,
      msgsPerSec: result.msgsPerSec,
      p50: result.p50,
      p99: result.p99,
      max: result.max,
      cpuUsPerMsg: (cpu1 - cpu0) / Math.max(1, result.acks),
    };
  } finally {
    await gen.stop();
    await server.stop();
  }
}
