/** BENCHMARKS.md: the "Latest run" section (tables + goals) and one history line per run. */
import type { TargetName } from '../lib/targets.js';
import type { ThroughputRow } from '../scenarios/throughput.js';
import type { IdleRow } from '../scenarios/idle.js';
import type { ResumeRow } from '../scenarios/resume.js';
import type { ColdStartRow } from '../scenarios/cold-start.js';

export interface Machine {
  date: string;
  commit: string;
  cpu: string;
  memGiB: number;
  node: string;
  kernel: string;
  fdHardLimit: number;
  /** write + fdatasync of 4 KiB in the temp folder (where the data folders live). */
  fsyncMs: { p50: number; p99: number };
}

export interface Results {
  machine: Machine;
  quick: boolean;
  timing: {
    warmupMs: number;
    measureMs: number;
    lightMeasureMs: number;
    idleHoldMs: number;
    rounds: number;
  };
  /** Best round of each target and client count (the tables and goals use these). */
  throughput: ThroughputRow[];
  /** Every round's msgs/s (absent from runs before 2026-11-30). */
  rounds?: RoundRow[];
  light: ThroughputRow[];
  idle: IdleRow[];
  resume: ResumeRow;
  coldStart: ColdStartRow[];
}

/** One target's msgs/s in one throughput round. */
export interface RoundRow {
  round: number;
  target: TargetName;
  clients: number;
  msgsPerSec: number;
}

export interface Goal {
  name: string;
  value: string;
  target: string;
  met: boolean;
}

const f1 = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) ? n.toFixed(1) : 'n/a';
const f2 = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) ? n.toFixed(2) : 'n/a';
const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
/** A goal's measured ratio: one decimal, so that a miss never reads as the target (59.9%, not 60%). */
const pct1 = (n: number) => `${(n * 100).toFixed(1)}%`;
const int = (n: number | undefined) =>
  n !== undefined && Number.isFinite(n) ? String(Math.round(n)) : 'n/a';

export function find<T extends { target: TargetName }>(
  rows: T[],
  target: TargetName,
  pred: (r: T) => boolean = () => true,
): T | undefined {
  return rows.find((r) => r.target === target && pred(r));
}

/** The goals of issues 2 and 6, evaluated as ratios from this run. */
export function goals(r: Results): Goal[] {
  const tp = (t: TargetName, c: number) => find(r.throughput, t, (x) => x.clients === c);
  const [raw100, sio100, ca100] = [tp('raw-ws', 100), tp('socketio', 100), tp('causette', 100)];
  const [sio1k, ca1k] = [tp('socketio', 1000), tp('causette', 1000)];
  const out: Goal[] = [];
  const ratio = (
    name: string,
    a: number | undefined,
    b: number | undefined,
    min: number,
    asPct: boolean,
  ) => {
    if (a === undefined || b === undefined) return;
    const v = a / b;
    out.push({
      name,
      value: asPct ? pct1(v) : `${v.toFixed(2)}x`,
      target: asPct ? `>= ${pct(min)}` : `>= ${min}x`,
      met: v >= min,
    });
  };
  ratio(
    'Causette / raw ws msgs/s at 100 clients',
    ca100?.msgsPerSec,
    raw100?.msgsPerSec,
    0.8,
    true,
  );
  ratio(
    'Causette / raw ws msgs/s at 100 clients (issue 2)',
    ca100?.msgsPerSec,
    raw100?.msgsPerSec,
    0.6,
    true,
  );
  ratio(
    'Causette / Socket.IO msgs/s at 100 clients',
    ca100?.msgsPerSec,
    sio100?.msgsPerSec,
    1.0,
    false,
  );
  const big = r.throughput.reduce((m, x) => Math.max(m, x.clients), 0);
  ratio(
    `Causette / Socket.IO msgs/s at ${big} clients`,
    (big === 1000 ? ca1k : tp('causette', big))?.msgsPerSec,
    (big === 1000 ? sio1k : tp('socketio', big))?.msgsPerSec,
    1.5,
    false,
  );
  const light = find(r.light, 'causette');
  if (light)
    out.push({
      name: 'Causette light-load p99 (durable commits)',
      value: `${f2(light.p99)} ms`,
      target: '<= 2 ms',
      met: light.p99 <= 2,
    });
  if (ca100 && raw100)
    out.push({
      name: 'Causette p99 / raw ws p99 at 100 clients (issue 2)',
      value: `${(ca100.p99 / raw100.p99).toFixed(2)}x`,
      target: '<= 2x',
      met: ca100.p99 / raw100.p99 <= 2,
    });
  const sizes = [...new Set(r.idle.map((x) => x.wanted))].sort((a, b) => a - b);
  for (const n of sizes) {
    const ca = find(r.idle, 'causette', (x) => x.wanted === n);
    const raw = find(r.idle, 'raw-ws', (x) => x.wanted === n);
    if (ca && raw)
      out.push({
        name: `Causette / raw ws idle memory per connection at ${n}`,
        value: `${(ca.kbPerConn / raw.kbPerConn).toFixed(2)}x`,
        target: '<= 1.5x',
        met: ca.kbPerConn / raw.kbPerConn <= 1.5,
      });
  }
  const most = sizes[sizes.length - 1];
  const caMost =
    most === undefined ? undefined : find(r.idle, 'causette', (x) => x.wanted === most);
  if (caMost)
    out.push({
      name: `${caMost.wanted} idle connections held by one Causette process, heartbeats running`,
      value: `${caMost.held} held${caMost.held < caMost.wanted && caMost.note ? ' (open-files limit)' : ''}`,
      target: `${caMost.wanted}`,
      met: caMost.held >= caMost.wanted,
    });
  return out;
}

/**
 * The reference durable relay against raw ws and Causette at 100 clients: what durability
 * alone costs on this host in this run (not a goal).
 */
export function reference(r: Results): string {
  const tp = (t: TargetName) => find(r.throughput, t, (x) => x.clients === 100);
  const [raw, dur, ca] = [tp('raw-ws'), tp('durable'), tp('causette')];
  if (!raw || !dur) return '';
  const vsCausette = ca
    ? `; Causette reached ${pct(ca.msgsPerSec / dur.msgsPerSec)} of its msgs/s`
    : '';
  return `**Reference** (not a goal): the durable relay, which stores every message with its seq and idempotency key and waits for the commit's fsync before the ack, and does nothing else, reached ${pct(dur.msgsPerSec / raw.msgsPerSec)} of raw ws's msgs/s at 100 clients in this run, p99 ${(dur.p99 / raw.p99).toFixed(2)}x${vsCausette}.`;
}

/**
 * Causette's msgs/s over raw ws's within each round, at `clients`: the two are measured minutes
 * apart in the same round, while the goals pair each one's best round, which can come from
 * different rounds of a host whose speed swings.
 */
export function roundRatios(rows: RoundRow[], clients = 100): number[] {
  const rate = (round: number, target: TargetName) =>
    rows.find((x) => x.round === round && x.target === target && x.clients === clients)?.msgsPerSec;
  const rounds = [...new Set(rows.map((x) => x.round))].sort((a, b) => a - b);
  return rounds.flatMap((n) => {
    const [raw, ca] = [rate(n, 'raw-ws'), rate(n, 'causette')];
    return raw && ca !== undefined ? [ca / raw] : [];
  });
}

function roundByRound(r: Results): string {
  const ratios = roundRatios(r.rounds ?? []);
  if (ratios.length < 2) return '';
  return `**Round by round** (not a goal): Causette's msgs/s over raw ws's within each round at 100 clients, ${ratios.map(pct1).join(', ')}. The goals above pair each server's best round.\n\n`;
}

export function latestSection(r: Results, chartPath: string): string {
  const m = r.machine;
  const base = (c: number) =>
    find(r.throughput, 'raw-ws', (x) => x.clients === c)?.msgsPerSec ?? NaN;
  const tpRows = [...r.throughput, ...r.light].map((x) => {
    const label = r.light.includes(x) ? 'light (1 thread)' : String(x.clients);
    const vs = r.light.includes(x) ? '' : pct(x.msgsPerSec / base(x.clients));
    return `| ${x.target} | ${label} | ${int(x.msgsPerSec)} | ${f2(x.p50)} | ${f2(x.p99)} | ${f1(x.max)} | ${f1(x.cpuUsPerMsg)} | ${vs} |`;
  });
  const idleRows = r.idle.map(
    (x) =>
      `| ${x.target} | ${x.wanted} | ${x.held} | ${f1(x.rssBaseMiB)} | ${f1(x.rssMiB)} | ${f2(x.kbPerConn)} | ${f1(x.heapUsedMiB)} | ${f1(x.newSpaceMiB)} | ${(x.rampMs / 1000).toFixed(1)} | ${x.sessionMs ? (x.sessionMs / 1000).toFixed(1) : ''} | ${x.note ?? ''} |`,
  );
  const cold = r.coldStart.map(
    (x) => `| ${x.target} | ${int(x.medianMs)} | ${int(x.maxMs)} | ${x.reps} |`,
  );
  const g = goals(r).map(
    (x) => `| ${x.name} | ${x.value} | ${x.target} | ${x.met ? 'met' : '**NOT met**'} |`,
  );
  return `<!-- bench:latest:start -->
Run ${m.date} on commit \`${m.commit}\`: ${m.cpu}, ${m.memGiB} GiB, Node ${m.node}, Linux ${m.kernel}, open-files hard limit ${m.fdHardLimit}, disk fdatasync p50 ${f2(m.fsyncMs.p50)} ms / p99 ${f2(m.fsyncMs.p99)} ms${r.quick ? ' (**quick mode**: smoke run, not figures)' : ''}.

![benchmark chart](${chartPath})

**Throughput and latency.** Warm-up ${r.timing.warmupMs / 1000} s, measured ${r.timing.measureMs / 1000} s (light load: ${r.timing.lightMeasureMs / 1000} s), best of ${r.timing.rounds} interleaved round(s) by msgs/s (the machine is shared); 2-party threads, one 100-byte message in flight per client (send, wait for the ack, send the next); latency = send to ack at the sender. Server CPU = user+system of the whole server process (all threads) over the measured window, per acked message.

| server | clients | msgs/s | p50 ms | p99 ms | max ms | server CPU µs/msg | vs raw ws |
|---|---:|---:|---:|---:|---:|---:|---:|
${tpRows.join('\n')}

**Idle connections.** Each connection opened and made ready (Socket.IO: namespace joined; Causette: its own visitor session, \`hello\` answered, heartbeat every 5 s answered by the client), then held ${r.timing.idleHoldMs / 1000} s; RSS of the server process after the hold minus its RSS before the first socket (Causette: taken after the sessions were created over REST), each reading after a full GC forced through the V8 inspector (every server runs with \`--inspect\` here), divided by the connections still open. After the last reading, the V8 heap in use and the physical size of V8's young generation are read inside the server: V8 grows the young generation with the allocation rate and keeps it after a full GC, so it is part of the RSS reading without holding any connection's data. Sockets come from 127.0.0.2-9 and from several generator processes (at most 8,000 sockets each).

| server | connections wanted | held | RSS before MiB | RSS after MiB | KB / connection | V8 heap used after MiB | of RSS after: V8 young generation MiB | connect s | sessions s | note |
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|
${idleRows.join('\n')}

**Resume** (Causette only: the relays keep nothing to resume from). A visitor misses ${r.resume.missed} messages, reconnects with its last seq; time from opening the socket to \`resumed\`, ${r.resume.reps} runs: median **${int(r.resume.medianMs)} ms** (min ${int(r.resume.minMs)}, max ${int(r.resume.maxMs)}).

**Cold start** (process spawn to the first \`/readyz\` 200; Causette on an initialised data folder; relays as plain JS, no TypeScript loader):

| server | median ms | max ms | runs |
|---|---:|---:|---:|
${cold.join('\n')}

**Goals** (ratios from this run):

| goal | measured | target | |
|---|---:|---:|---|
${g.join('\n')}

${roundByRound(r)}${reference(r)}
<!-- bench:latest:end -->`;
}

export function historyLine(r: Results): string {
  const tp = (t: TargetName, c: number) =>
    find(r.throughput, t, (x) => x.clients === c)?.msgsPerSec;
  const idle = (t: TargetName) =>
    find(r.idle, t, (x) => x.wanted === Math.min(...r.idle.map((i) => i.wanted)))?.kbPerConn;
  const big = r.throughput.reduce((mx, x) => Math.max(mx, x.clients), 0);
  const ca = tp('causette', 100) ?? NaN;
  const m = r.machine;
  return `| ${m.date.slice(0, 16)} | ${m.commit} | ${m.cpu} | ${int(tp('raw-ws', 100))} | ${int(tp('socketio', 100))} | ${int(ca)} | ${pct(ca / (tp('raw-ws', 100) ?? NaN))} | ${((tp('causette', big) ?? NaN) / (tp('socketio', big) ?? NaN)).toFixed(2)}x @${big} | ${f2(find(r.light, 'causette')?.p99)} | ${f1(idle('raw-ws'))} / ${f1(idle('socketio'))} / ${f1(idle('causette'))} | ${r.quick ? 'quick' : 'full'} | ${pct((tp('durable', 100) ?? NaN) / (tp('raw-ws', 100) ?? NaN))} |`;
}
