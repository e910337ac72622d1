/**
 * Idle connections: RSS per connection once N clients are connected and ready (Causette:
 * hello answered, heartbeat pings every `heartbeatMs` and answered by the clients). The
 * open-files limit is raised for the server and the generators; when the hard limit is below
 * N plus the server's own descriptors, the scenario holds as many as the limit allows and says so.
 */
import { fdCount, hardFdLimit, rssBytes } from '../lib/proc.js';
import { collectGarbage, heapSpaces } from '../lib/gc.js';
import type { TargetName } from '../lib/targets.js';
import { endpoint, loadgen, ready, sleep } from './common.js';

export interface IdleRow {
  target: TargetName;
  /** Connections asked for. */
  wanted: number;
  /** Connections open at the end of the hold. */
  held: number;
  rssBaseMiB: number;
  rssMiB: number;
  kbPerConn: number;
  /**
   * Read inside the server after `rssMiB` (so not part of it): V8 heap used, and the physical
   * size of V8's young generation, which V8 grows with the allocation rate and keeps after a
   * full GC (part of RSS, though it holds no live object once the GC ran).
   */
  heapUsedMiB?: number;
  newSpaceMiB?: number;
  rampMs: number;
  /** Time to create the visitor sessions first (Causette), not part of the ramp. */
  sessionMs: number;
  /** Why fewer than `wanted` were attempted, if so. */
  note?: string;
}

const PER_GENERATOR = 8000;
const WANT_FDS = 65_536;

export async function idle(
  target: TargetName,
  wanted: number,
  opts: { holdMs: number; heartbeatMs: number },
): Promise<IdleRow> {
  const hard = hardFdLimit();
  const server = await ready(target, {
    fds: WANT_FDS,
    heartbeatMs: opts.heartbeatMs,
    inspect: true,
  });
  const gens: ReturnType<typeof loadgen>[] = [];
  try {
    const pid = server.child.proc.pid!;
    // Room for the server's own descriptors (db, wal, worker, epoll...) plus slack.
    const base = fdCount(pid);
    const room = Math.min(WANT_FDS, hard) - base - 32;
    const n = Math.min(wanted, room);
    const note =
      n < wanted
        ? `hard open-files limit ${hard} (cannot be raised here) minus the server's ${base} own descriptors`
        : undefined;
    for (let i = 0; i < n; i += PER_GENERATOR) {
      const share = Math.min(PER_GENERATOR, n - i);
      const o = { mode: 'idle', ...endpoint(server), clients: share, holdMs: opts.holdMs };
      gens.push(loadgen({ ...o, connsPerSession: 1, sourceAddresses: 8 }, share + 256));
    }
    // Sessions (Causette) are created before the baseline: the RSS delta is the sockets'.
    const sessionStart = performance.now();
    await Promise.all(gens.map((g) => g.line((o) => o.phase === 'sessions', 300_000)));
    const sessionMs = performance.now() - sessionStart;
    await collectGarbage(server.child);
    await sleep(500);
    const rss0 = rssBytes(pid);
    const t0 = performance.now();
    for (const g of gens) g.send('connect');
    const ramps = await Promise.all(
      gens.map((g) =>
        g.line<{ open: number; failed: number }>((o) => o.phase === 'ramped', 300_000),
      ),
    );
    const rampMs = performance.now() - t0;
    const results = await Promise.all(
      gens.map((g) => g.line<{ result: { open: number } }>((o) => 'result' in o, 60_000)),
    );
    await collectGarbage(server.child);
    await sleep(500);
    const rss1 = rssBytes(pid);
    const spaces = await heapSpaces(server.child);
    const held = results.reduce((a, r) => a + r.result.open, 0);
    const failed = ramps.reduce((a, r) => a + r.failed, 0);
    const mib = (b: number) => b / 2 ** 20;
    return {
      target,
      wanted,
      held,
      rssBaseMiB: mib(rss0),
      rssMiB: mib(rss1),
      kbPerConn: (rss1 - rss0) / 1024 / Math.max(1, held),
      heapUsedMiB: spaces.heapUsed!,
      newSpaceMiB: spaces.new_space!,
      rampMs,
      sessionMs: target === 'causette' ? sessionMs : 0,
      ...(note || failed
        ? { note: [note, failed ? `${failed} failed to connect` : ''].filter(Boolean).join('; ') }
        : {}),
    };
  } finally {
    await Promise.all(gens.map((g) => g.stop()));
    await server.stop();
  }
}
