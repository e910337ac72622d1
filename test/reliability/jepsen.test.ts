/**
 * Jepsen-style checker. Visitor tabs (two per thread) send with random reconnects while the
 * server, a child process, is SIGKILLed and restarted several times. Afterwards, read back from
 * the server over REST:
 * - every acknowledged message is stored exactly once, with the acked id and seq;
 * - seqs are contiguous per thread (1..n) and no client id appears twice;
 * - every tab's view (what it was acked plus what it received, live or replayed) equals the
 *   server's history of its thread, and nothing it saw was ever contradicted;
 * - nothing is stored that no tab sent, and every unacknowledged send, once resent, got
 *   exactly one ack.
 * The schedule is seeded (`CAUSETTE_SEED`); timings still vary with the machine.
 */
import { describe, expect, it } from 'vitest';
import { TestClient, openSession } from '@causette/server/testing';
import { UNLIMITED, useServerProcesses, type ServerProcess } from '../support/server-process.js';
import { JepsenClient } from './jepsen-client.js';
import { rng, sleep, threadHistory } from './support.js';

const THREADS = 4;
const TABS_PER_THREAD = 2;
const KILLS = 4;

describe('Jepsen-style checker: random reconnects and SIGKILLs', () => {
  const processes = useServerProcesses();
  const { creds } = processes;
  let server: ServerProcess | undefined;

  it('gives every tab the same history as the server, with every ack kept exactly once', async () => {
    const r = rng();
    server = await processes.create(UNLIMITED);
    await server.start();
    const s = server;

    const tabs: JepsenClient[] = [];
    for (let t = 0; t < THREADS; t++) {
      const token = (await openSession(s.url, { appId: creds.appId })).token;
      const c = await TestClient.connect(s.url, creds.appId, { token });
      const thread = await c.openThread();
      c.close();
      for (let k = 0; k < TABS_PER_THREAD; k++)
        tabs.push(new JepsenClient(`t${t}k${k}`, token, thread.id, r));
    }

    // Tabs: connect, send for a random while, drop the socket, come back, until told to stop.
    const stop = { now: false };
    const running = tabs.map(async (tab) => {
      while (!stop.now) {
        await tab.connection(s.url, stop, { lifetimeMs: r.int(100, 700) });
        await sleep(r.int(5, 80));
      }
    });
    // Nemesis: SIGKILL at random moments, restart at once (clients retry meanwhile).
    for (let k = 0; k < KILLS; k++) {
      await sleep(r.int(500, 1200));
      await s.kill();
      await sleep(r.int(0, 200));
      await s.start();
    }
    await sleep(r.int(300, 600));
    stop.now = true;
    await Promise.all(running);

    // Heal: every tab resends what is unacknowledged until acked, then catches up on what
    // its sibling resent (a second resume).
    for (let pass = 0; pass < 2; pass++) {
      await Promise.all(
        tabs.map((tab) => tab.connection(s.url, stop, { lifetimeMs: 15_000, final: true })),
      );
    }

    const violations = tabs.flatMap((t) => t.violations);
    expect(violations).toEqual([]);
    let total = 0;
    for (let t = 0; t < THREADS; t++) {
      const mine = tabs.slice(t * TABS_PER_THREAD, (t + 1) * TABS_PER_THREAD);
      const history = await threadHistory(s.url, creds.apiKey, mine[0]!.threadId);
      // Contiguous seqs, each client id once.
      expect(history.map((m) => m.seq)).toEqual(history.map((_, i) => i + 1));
      const cids = history.map((m) => m.clientId);
      expect(new Set(cids).size).toBe(cids.length);
      // Nothing stored that no tab sent.
      const sent = new Set(mine.flatMap((tab) => [...tab.sent]));
      expect(cids.filter((c) => !sent.has(c ?? ''))).toEqual([]);
      const byCid = new Map(history.map((m) => [m.clientId, m]));
      for (const tab of mine) {
        // Everything resent was eventually acked, and every ack is stored as acked.
        expect(tab.unacked.size).toBe(0);
        for (const [cid, ack] of tab.acked) expect(byCid.get(cid)).toMatchObject(ack);
        // The tab's view equals the server's history.
        const view = [...tab.view].sort((a, b) => a[0] - b[0]).map(([seq, v]) => ({ seq, ...v }));
        expect(view).toEqual(
          history.map((m) => ({ seq: m.seq, id: m.id, clientId: m.clientId ?? null })),
        );
      }
      // Exactly the acked messages are stored.
      const ackedCount = new Set(mine.flatMap((tab) => [...tab.acked.keys()])).size;
      expect(history.length).toBe(ackedCount);
      total += history.length;
    }
    const sum = (k: keyof JepsenClient['stats']) => tabs.reduce((a, t) => a + t.stats[k], 0);
    const connections = sum('connections');
    console.info(
      `jepsen: ${total} messages, ${connections} connections, ${sum('failedConnects')} refused, ` +
        `${sum('resent')} resends (${sum('duplicates')} already stored), ${sum('reloads')} reloads`,
    );
    // The run exercised what it claims: many reconnects and a fair amount of traffic.
    expect(connections).toBeGreaterThan(tabs.length * 5);
    expect(total).toBeGreaterThan(200);
    // Sends were in flight when the server died, and their resends were checked.
    expect(sum('resent')).toBeGreaterThan(0);
    expect(await s.stop()).toBe(0);
  }, 120_000);
});
