/** The servers compared side by side: how to start each one (each in its own process). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNode, type Child } from './proc.js';
import { INSPECT_FLAG } from './gc.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'packages/server/dist/cli.js');

/** The Causette CLI the bench starts; bench/tools/ab.ts points it at a second build to compare. */
export function causetteCli(): string {
  return process.env.CAUSETTE_BENCH_CLI ?? CLI;
}

export const TARGETS = ['raw-ws', 'durable', 'socketio', 'causette'] as const;
export type TargetName = (typeof TARGETS)[number];
/**
 * The servers of the scenarios where the reference durable relay has nothing to show (cold
 * start, idle memory): it is there to calibrate message throughput and latency only.
 */
export const PRODUCT_TARGETS = TARGETS.filter((t) => t !== 'durable');

/** The load generator's protocol for each target. */
export const PROTOCOL = {
  'raw-ws': 'raw',
  durable: 'raw',
  socketio: 'socketio',
  causette: 'causette',
} as const;

export interface Running {
  name: TargetName;
  url: string;
  child: Child;
  appId?: string;
  /** The default app's identity secret, to sign user tokens (Causette on a fresh data folder). */
  identitySecret?: string;
  stop(): Promise<void>;
}

export interface TargetOptions {
  /** Raise the child's open-files limit to this (for the idle-connection scenarios). */
  fds?: number;
  /** Causette heartbeat period (ms). */
  heartbeatMs?: number;
  /** Extra Node flags (e.g. --cpu-prof). */
  nodeFlags?: string[];
  /** Start with the V8 inspector on a random port (for collectGarbage, bench/lib/gc.ts). */
  inspect?: boolean;
  /** Reuse an initialised data folder (cold start); otherwise a fresh one is made and removed. */
  dataDir?: string;
}

/** A data folder initialised by `causette init`, and the default app's id and identity secret. */
export function initCausette(): { dataDir: string; appId: string; identitySecret: string } {
  const dataDir = mkdtempSync(join(tmpdir(), 'causette-bench-'));
  const out = execFileSync(process.execPath, [causetteCli(), 'init', '--data', dataDir, '--json'], {
    encoding: 'utf8',
  });
  const creds = JSON.parse(out) as { appId: string; identitySecret: string };
  return { dataDir, appId: creds.appId, identitySecret: creds.identitySecret };
}

/** Starts a target; resolves once its process is spawned (wait for /readyz separately). */
export function startTarget(name: TargetName, port: number, opts: TargetOptions = {}): Running {
  const url = `http://127.0.0.1:${port}`;
  if (name !== 'causette') {
    // Transpiled by compileRelays() (bench/lib/compile.ts) before a run.
    const file = `${name === 'raw-ws' ? 'raw-ws' : name === 'durable' ? 'durable' : 'socketio'}-relay.js`;
    const flags = [...(opts.inspect ? [INSPECT_FLAG] : []), ...(opts.nodeFlags ?? [])];
    const child = startNode([...flags, join(ROOT, 'bench/servers/dist', file), String(port)], opts);
    return { name, url, child, stop: () => child.stop() };
  }
  const own = opts.dataDir === undefined;
  const { dataDir, appId, identitySecret } = own
    ? initCausette()
    : { dataDir: opts.dataDir!, appId: undefined, identitySecret: undefined };
  const args = [
    ...(opts.inspect ? [INSPECT_FLAG] : []),
    ...(opts.nodeFlags ?? []),
    causetteCli(),
    'serve',
    '--port',
    String(port),
    '--data',
    dataDir,
    '--log-level',
    'warn',
    '--no-demo',
    '--rate-limit',
    '100000',
    '--sessions-per-minute',
    '1000000',
  ];
  if (opts.heartbeatMs) args.push('--heartbeat-ms', String(opts.heartbeatMs));
  const child = startNode(args, opts);
  return {
    name,
    url,
    child,
    ...(appId ? { appId } : {}),
    ...(identitySecret ? { identitySecret } : {}),
    stop: async () => {
      await child.stop();
      if (own) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
