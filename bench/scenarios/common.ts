/** Shared pieces of the scenarios: spawning the load generator, waiting for a target. */
import { join } from 'node:path';
import { startNode, waitReady, type Child } from '../lib/proc.js';
import { freePort } from '../lib/ports.js';
import {
  PROTOCOL,
  startTarget,
  type Running,
  type TargetName,
  type TargetOptions,
} from '../lib/targets.js';

const LOADGEN = new URL('../load/loadgen.ts', import.meta.url).pathname;

/** The load generator in its own process, with `opts` as its JSON argument. */
export function loadgen(opts: Record<string, unknown>, fds?: number): Child {
  return startNode(['--import', 'tsx', LOADGEN, JSON.stringify(opts)], fds ? { fds } : {});
}

/** Starts a target on a free port and waits for /readyz. */
export async function ready(name: TargetName, opts: TargetOptions = {}): Promise<Running> {
  const t = startTarget(name, await freePort(), opts);
  try {
    await waitReady(t.url);
  } catch (e) {
    await t.stop();
    throw new Error(`${name} did not start: ${(e as Error).message}\n${t.child.stderr()}`);
  }
  return t;
}

/** The load generator's endpoint fields for a running target. */
export function endpoint(t: Running): Record<string, unknown> {
  return { protocol: PROTOCOL[t.name], url: t.url, ...(t.appId ? { appId: t.appId } : {}) };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const ROOT = join(new URL('../../', import.meta.url).pathname);
