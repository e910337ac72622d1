/**
 * Soak: connections churning (connect, hello, send, disconnect — politely or abruptly, some
 * without ever saying hello) against a server process. After a warm-up, the server's open
 * descriptors and resident memory are sampled at quiet moments (churn paused, every socket
 * closed); both must stay flat. The server runs with a small V8 old space so that its RSS
 * follows live memory instead of lazy heap growth, and a leak ends in an out-of-memory crash.
 * Short by default; `CAUSETTE_SOAK_MS=600000` for ten minutes.
 */
import { describe, expect, it } from 'vitest';
import { TestClient, openSession } from '@causette/server/testing';
import { UNLIMITED, useServerProcesses, type ServerProcess } from '../support/server-process.js';
import { fdCount, rng, rssBytes, sleep } from './support.js';

const DURATION_MS = Number(process.env.CAUSETTE_SOAK_MS ?? 24_000);
const WORKERS = 12;
const VISITORS = 24;
/** RSS may move this much between the first and the last quiet sample. */
const RSS_TOLERANCE_MIB = 32;

describe('soak: connection churn', () => {
  const processes = useServerProcesses();
  const { creds } = processes;
  let server: ServerProcess | undefined;

  it(
    'keeps the server memory and descriptor count flat while connections churn',
    async () => {
      const r = rng();
      server = await processes.create(UNLIMITED);
      const saved = process.env.NODE_OPTIONS;
      process.env.NODE_OPTIONS = '--max-old-space-size=96';
      try {
        await server.start();
      } finally {
        if (saved === undefined) delete process.env.NODE_OPTIONS;
        else process.env.NODE_OPTIONS = saved;
      }
      const s = server;
      const pid = s.child!.pid!;

      const visitors: { token: string; threadId: string }[] = [];
      for (let v = 0; v < VISITORS; v++) {
        const token = (await openSession(s.url, { appId: creds.appId })).token;
        const c = await TestClient.connect(s.url, creds.appId, { token });
        visitors.push({ token, threadId: (await c.openThread()).id });
        c.close();
      }

      const counts = { cycles: 0, sends: 0, failures: [] as string[] };
      const gate = { paused: false, stop: false, idle: 0 };
      const cycle = async (w: number, n: number) => {
        const v = visitors[r.int(0, VISITORS - 1)]!;
        if (r.chance(0.15)) {
          // Connect and vanish before the handshake.
          const c = await TestClient.open(s.url, v.token);
          c.ws.terminate();
          return;
        }
        const c = await TestClient.connect(s.url, creds.appId, { token: v.token });
        if (r.chance(0.8)) {
          await c.sendMessage(v.threadId, `w${w}-${n}`, `soak ${w}/${n}`);
          counts.sends++;
        }
        if (r.chance(0.5)) c.close();
        else c.ws.terminate();
      };
      const worker = async (w: number) => {
        for (let n = 0; !gate.stop; n++) {
          if (gate.paused) {
            gate.idle++;
            while (gate.paused) await sleep(20);
            gate.idle--;
          }
          try {
            await cycle(w, n);
            counts.cycles++;
          } catch (e) {
            counts.failures.push(String(e));
          }
        }
      };
      /** Pauses the churn, lets every socket close, samples RSS and descriptors. */
      const quietSample = async () => {
        gate.paused = true;
        while (!gate.stop && gate.idle < WORKERS) await sleep(10);
        await sleep(700);
        const sample = {
          rssMiB: rssBytes(pid) / 2 ** 20,
          fds: fdCount(pid),
          cycles: counts.cycles,
        };
        gate.paused = false;
        return sample;
      };

      const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
      const warmup = Math.max(5000, DURATION_MS * 0.4);
      await sleep(warmup);
      const samples = [await quietSample()];
      const every = Math.max(3000, (DURATION_MS - warmup) / 4);
      const end = Date.now() + DURATION_MS - warmup;
      while (Date.now() < end) {
        await sleep(Math.min(every, Math.max(0, end - Date.now())));
        samples.push(await quietSample());
      }
      gate.stop = true;
      await Promise.all(workers);
      samples.push(await quietSample());
      const first = samples[0]!;
      const last = samples[samples.length - 1]!;
      console.info(
        `soak: ${counts.cycles} connections, ${counts.sends} sends in ${DURATION_MS} ms; ` +
          samples.map((x) => `${x.rssMiB.toFixed(1)} MiB/${x.fds} fds @${x.cycles}`).join(', '),
      );

      expect(counts.failures.slice(0, 5)).toEqual([]);
      expect(s.child?.exitCode).toBeNull();
      expect(counts.cycles - first.cycles).toBeGreaterThan(500);
      // Every closed socket released its descriptor.
      for (const x of samples) expect(x.fds).toBeLessThanOrEqual(first.fds + 2);
      expect(last.rssMiB - first.rssMiB).toBeLessThan(RSS_TOLERANCE_MIB);
      expect(await s.stop()).toBe(0);
    },
    Math.max(120_000, Number(process.env.CAUSETTE_SOAK_MS ?? 0) * 2),
  );
});
