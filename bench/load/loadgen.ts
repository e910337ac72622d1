/**
 * Load generator, run in its own process, speaking each server's real protocol (bench/load/
 * clients.ts). Prints JSON lines: `phase` markers and one `result`.
 * Modes:
 * - throughput: N clients in 2-party threads, each with one message in flight (send, wait for
 *   the ack, send the next); latency = send to ack.
 * - idle: N connected, ready clients that only answer heartbeats; reports how many are still
 *   open after `holdMs`, then stays up until SIGTERM so the runner can read the server's RSS.
 * - resume (Causette): a visitor misses `missed` messages, reconnects with its last seq and
 *   receives them; time from opening the socket to `resumed`.
 * Usage: node --import tsx bench/load/loadgen.ts '<json options>'
 */
import { newId } from '@causette/shared';
import { connect, connectPair, openSession, pool, type Client, type Endpoint } from './clients.js';

interface Common extends Endpoint {
  mode: 'throughput' | 'idle' | 'resume';
}
interface ThroughputOptions extends Common {
  mode: 'throughput';
  clients: number;
  warmupMs: number;
  measureMs: number;
  payloadBytes: number;
}
interface IdleOptions extends Common {
  mode: 'idle';
  clients: number;
  holdMs: number;
  /** Causette: sockets per visitor session (1 = every socket its own visitor). */
  connsPerSession: number;
  /** Spread sockets over 127.0.0.2 .. 127.0.0.(1 + n). */
  sourceAddresses: number;
}
interface ResumeOptions extends Common {
  mode: 'resume';
  missed: number;
  payloadBytes: number;
  reps: number;
}
type Options = ThroughputOptions | IdleOptions | ResumeOptions;

const emit = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function throughput(o: ThroughputOptions): Promise<void> {
  const text = 'x'.repeat(o.payloadBytes);
  const latencies: number[] = [];
  let measuring = false;
  let stopped = false;
  let acks = 0;
  let delivered = 0;
  const pairs = await pool(o.clients / 2, 50, (i) => connectPair(o, i));
  const drive = (c: Client) => {
    let sentAt = 0;
    const sendNext = () => {
      if (stopped) return;
      sentAt = performance.now();
      // Time-ordered ids, as the SDK generates them (newId() = UUIDv7).
      c.send(newId(), text);
    };
    c.onAck = () => {
      if (measuring) {
        acks++;
        latencies.push(performance.now() - sentAt);
      }
      sendNext();
    };
    c.onMessage = () => {
      if (measuring) delivered++;
    };
    sendNext();
  };
  pairs.forEach(([a, b]) => {
    drive(a);
    drive(b);
  });
  await sleep(o.warmupMs);
  emit({ phase: 'measure-start' });
  measuring = true;
  const t0 = performance.now();
  await sleep(o.measureMs);
  measuring = false;
  const elapsed = (performance.now() - t0) / 1000;
  emit({ phase: 'measure-end' });
  stopped = true;
  latencies.sort((a, b) => a - b);
  emit({
    result: {
      msgsPerSec: acks / elapsed,
      deliveredPerSec: delivered / elapsed,
      acks,
      p50: pct(latencies, 50),
      p99: pct(latencies, 99),
      max: latencies[latencies.length - 1] ?? NaN,
    },
  });
  for (const [a, b] of pairs) {
    a.ws.terminate();
    b.ws.terminate();
  }
}

/** Resolves when the runner writes `line` on stdin. */
function command(line: string): Promise<void> {
  return new Promise((resolve) => {
    let buf = '';
    process.stdin.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.split('\n').includes(line)) resolve();
    });
  });
}

async function idle(o: IdleOptions): Promise<void> {
  // Causette: visitor sessions first (a REST call each), so that the runner can take its
  // baseline RSS after them and count only what the open sockets hold.
  const go = command('connect');
  const tokens =
    o.protocol === 'causette'
      ? await pool(Math.ceil(o.clients / o.connsPerSession), 50, () => openSession(o))
      : [];
  emit({ phase: 'sessions', count: tokens.length });
  await go;
  const t0 = performance.now();
  let failed = 0;
  const clients = await pool(o.clients, 100, async (i) => {
    const ep: Endpoint = { ...o, localAddress: `127.0.0.${2 + (i % o.sourceAddresses)}` };
    try {
      const token = tokens[Math.floor(i / o.connsPerSession)];
      return await connect(ep, `idle${i >> 1}`, token);
    } catch {
      failed++;
      return undefined;
    }
  });
  const open = () => clients.filter((c) => c && !c.closed).length;
  emit({ phase: 'ramped', open: open(), failed, rampMs: performance.now() - t0 });
  await sleep(o.holdMs);
  emit({ result: { open: open(), failed } });
  // Stay connected until the runner has read the server's RSS and sends SIGTERM.
  await new Promise(() => {});
}

async function resume(o: ResumeOptions): Promise<void> {
  const epoch = ((await (await fetch(`${o.url}/readyz`)).json()) as { epoch: string }).epoch;
  const text = 'y'.repeat(o.payloadBytes);
  const times: number[] = [];
  for (let rep = 0; rep < o.reps; rep++) {
    const token = await openSession(o);
    const a = await connect(o, '', token);
    const opened = a.wait((s) => s.startsWith('{"type":"thread"'));
    a.ws.send(JSON.stringify({ type: 'thread.open', ref: 'resume' }));
    const threadId = (JSON.parse(await opened) as { thread: { id: string } }).thread.id;
    a.ws.close();
    // Another tab of the same visitor posts what the first one misses (32 in flight).
    const b = await connect(o, '', token);
    b.threadId = threadId;
    await new Promise<void>((resolve) => {
      let sent = 0;
      let acked = 0;
      b.onAck = () => {
        if (++acked === o.missed) resolve();
        else if (sent < o.missed) b.send(`m${++sent}`, text);
      };
      while (sent < Math.min(32, o.missed)) b.send(`m${++sent}`, text);
    });
    b.ws.close();
    // Measured: open a socket, hello with the last seq held (0), receive every missed message.
    let received = 0;
    let resumed: Promise<string> | undefined;
    const t0 = performance.now();
    const c = await connect(
      o,
      '',
      token,
      { resume: { epoch, threads: { [threadId]: 0 } } },
      (c) => {
        c.onMessage = () => received++;
        resumed = c.wait((s) => s.startsWith('{"type":"resumed"'));
      },
    );
    await resumed;
    times.push(performance.now() - t0);
    if (received !== o.missed) throw new Error(`resume delivered ${received}/${o.missed}`);
    c.ws.close();
  }
  times.sort((x, y) => x - y);
  emit({ result: { medianMs: pct(times, 50), minMs: times[0], maxMs: times[times.length - 1] } });
}

async function main(): Promise<void> {
  const o = JSON.parse(process.argv[2] ?? '{}') as Options;
  if (o.mode === 'throughput') await throughput(o);
  else if (o.mode === 'idle') await idle(o);
  else await resume(o);
  process.exit(0);
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
