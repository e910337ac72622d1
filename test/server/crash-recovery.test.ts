/**
 * Crash test: concurrent senders, server SIGKILLed mid-stream and restarted several times.
 * Afterwards every acknowledged message is stored exactly once with the acked id and seq,
 * seqs are contiguous per thread, and resending unacknowledged messages never duplicates.
 */
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { TestClient, openSession } from '@causette/server/testing';
import { useServerProcesses, type ServerProcess } from '../support/server-process.js';

interface Ack {
  id: string;
  seq: number;
}

class Sender {
  readonly acked = new Map<string, Ack>();
  /** Sent at least once, no ack seen yet (may or may not be stored). */
  readonly unacked: string[] = [];
  private counter = 0;
  threadId = '';
  token = '';

  constructor(readonly name: string) {}

  /** Connects, resends what is unacknowledged, then streams new messages until the socket dies. */
  async phase(url: string, appId: string, stop: { now: boolean }, window = 4): Promise<void> {
    let c: TestClient;
    try {
      c = await TestClient.connect(url, appId, { token: this.token });
    } catch {
      return;
    }
    const inflight = new Set<string>();
    const awaitAck = async (cid: string) => {
      const a = await c.next('ack', (f) => f.clientId === cid, 10_000);
      const prev = this.acked.get(cid);
      if (prev) expect({ id: a.id, seq: a.seq }).toEqual(prev);
      this.acked.set(cid, { id: a.id, seq: a.seq });
      const i = this.unacked.indexOf(cid);
      if (i >= 0) this.unacked.splice(i, 1);
      inflight.delete(cid);
    };
    try {
      for (const cid of [...this.unacked]) {
        c.send({
          type: 'send',
          threadId: this.threadId,
          clientId: cid,
          text: `${this.name} ${cid}`,
        });
        await awaitAck(cid);
      }
      const pending: Promise<void>[] = [];
      while (!stop.now) {
        while (inflight.size < window) {
          const cid = `${this.name}-${++this.counter}`;
          this.unacked.push(cid);
          inflight.add(cid);
          c.send({
            type: 'send',
            threadId: this.threadId,
            clientId: cid,
            text: `${this.name} ${cid}`,
          });
          pending.push(awaitAck(cid));
        }
        await Promise.race(pending.filter(Boolean));
        await new Promise((r) => setImmediate(r));
      }
      await Promise.allSettled(pending);
    } catch {
      /* socket died under us: that is the point */
    } finally {
      c.close();
    }
  }
}

describe('crash recovery', () => {
  const processes = useServerProcesses();
  const { dataDir, creds } = processes;
  let server: ServerProcess;

  it('keeps every acknowledged message exactly once across SIGKILLs', async () => {
    server = await processes.create();
    await server.start();
    const senders = Array.from({ length: 6 }, (_, i) => new Sender(`s${i}`));
    for (const s of senders) {
      s.token = (await openSession(server.url, { appId: creds.appId })).token;
      const c = await TestClient.connect(server.url, creds.appId, { token: s.token });
      s.threadId = (await c.openThread()).id;
      c.close();
    }

    for (let round = 0; round < 3; round++) {
      const stop = { now: false };
      const running = senders.map((s) => s.phase(server.url, creds.appId, stop));
      await new Promise((r) => setTimeout(r, 400 + round * 150));
      await server.kill(); // mid-stream, with messages in flight
      stop.now = true;
      await Promise.all(running);
      await server.start();
    }
    // Final round without a crash: resend everything still unacknowledged.
    const stop = { now: true };
    await Promise.all(senders.map((s) => s.phase(server.url, creds.appId, stop)));
    expect(await server.stop()).toBe(0);

    const db = new Database(join(dataDir, 'causette.db'), { readonly: true });
    let total = 0;
    for (const s of senders) {
      expect(s.unacked).toEqual([]);
      const rows = db
        .prepare('SELECT id, seq, client_id AS cid FROM messages WHERE thread_id = ? ORDER BY seq')
        .all(s.threadId) as { id: string; seq: number; cid: string }[];
      // Contiguous seqs 1..n, no duplicate client id.
      expect(rows.map((r) => r.seq)).toEqual(rows.map((_, i) => i + 1));
      expect(new Set(rows.map((r) => r.cid)).size).toBe(rows.length);
      // Every acked message is there with the acked id and seq; nothing unacked appears twice.
      const byCid = new Map(rows.map((r) => [r.cid, r]));
      for (const [cid, ack] of s.acked)
        expect(byCid.get(cid)).toMatchObject({ id: ack.id, seq: ack.seq });
      expect(rows.length).toBe(s.acked.size);
      total += rows.length;
    }
    db.close();
    expect(total).toBeGreaterThan(50);
  });
});
