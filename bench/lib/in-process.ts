/**
 * Causette in this process under the throughput load, for the tools that look inside it
 * (profile-server.ts, windows.ts): the server with the bench's limits lifted, and the load
 * generator as a child process, as in `pnpm bench`.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '@causette/server';
import { loadgen } from '../scenarios/common.js';
import type { Child } from './proc.js';

export async function underLoad(
  clients: number,
  measureMs: number,
): Promise<{ server: RunningServer; gen: Child; dataDir: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'causette-inproc-'));
  const server = await startServer({
    port: 0,
    dataDir,
    logLevel: 'warn',
    demo: false,
    rateLimitPerSecond: 1e6,
    rateLimitBurst: 2e6,
    sessionsPerMinute: 1e6,
  });
  const gen = loadgen({
    mode: 'throughput',
    protocol: 'causette',
    url: server.url,
    appId: server.appId,
    clients,
    warmupMs: 1000,
    measureMs,
    payloadBytes: 100,
  });
  return { server, gen, dataDir };
}
