/**
 * Reference: the least a relay must do to give Causette's two storage guarantees, and nothing
 * else. Like raw-ws-relay.ts (parse, forward to the peer, ack), but every message is stored
 * before it is acked or forwarded: the messages of a batch, gathered as Causette gathers them
 * (while it grows, up to MAX_GATHER_TURNS event-loop turns), go into one SQLite
 * transaction (WAL, `synchronous=FULL`, so the commit's fsync is done before any ack), each
 * with a per-thread seq, and a UNIQUE (client id, thread) key so a resend is answered with the
 * stored original instead of a second row (client id first, as in Causette: the SDK's client
 * ids are time-ordered, so new keys land at the end of the index). Checkpoints run on a
 * thread of their own, as in Causette (its `startCheckpointer`, with the same backstop). No
 * validation, no auth, no read order beyond the rowid, no thread rows.
 * It shows what durability alone costs on the host at hand, so Causette's ratio to raw ws can
 * be read against the ratio this floor reaches in the same run.
 * Usage: node bench/servers/dist/durable-relay.js <port>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { WebSocket } from 'ws';
import { BACKSTOP_PAGES, startCheckpointer } from '@causette/server/checkpointer';
import { whenGathered } from '@causette/server/message-writer';
import { serveRooms } from './ws-rooms.js';

const port = Number(process.argv[2] ?? 0);
const dir = mkdtempSync(join(tmpdir(), 'durable-relay-'));
const db = new Database(join(dir, 'relay.db'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
db.exec(`CREATE TABLE messages (
  thread_id TEXT NOT NULL, seq INTEGER NOT NULL, client_id TEXT NOT NULL,
  text TEXT NOT NULL, ts INTEGER NOT NULL, UNIQUE (client_id, thread_id))`);
const checkpointer = startCheckpointer(join(dir, 'relay.db'));
const insert = db.prepare(
  'INSERT INTO messages (thread_id, seq, client_id, text, ts) VALUES (?,?,?,?,?) ON CONFLICT DO NOTHING',
);
// A thread's last seq is read once (a scan: this reference keeps no index by thread), then
// counted in memory.
const maxSeq = db.prepare<[string], { m: number | null }>(
  'SELECT max(seq) AS m FROM messages WHERE thread_id = ?',
);
const original = db.prepare<[string, string], { rowid: number; seq: number; ts: number }>(
  'SELECT rowid, seq, ts FROM messages WHERE thread_id = ? AND client_id = ?',
);

interface Pending {
  ws: WebSocket;
  peers: Set<WebSocket>;
  threadId: string;
  clientId: string;
  text: string;
}
interface Stored {
  id: string;
  seq: number;
  ts: number;
  duplicate: boolean;
}

const lastSeq = new Map<string, number>();
const append = db.transaction((batch: Pending[]): Stored[] =>
  batch.map((p) => {
    const seq = (lastSeq.get(p.threadId) ?? maxSeq.get(p.threadId)?.m ?? 0) + 1;
    const ts = Date.now();
    const r = insert.run(p.threadId, seq, p.clientId, p.text, ts);
    if (r.changes === 0) {
      const o = original.get(p.threadId, p.clientId)!;
      return { id: `m${o.rowid}`, seq: o.seq, ts: o.ts, duplicate: true };
    }
    lastSeq.set(p.threadId, seq);
    return { id: `m${Number(r.lastInsertRowid)}`, seq, ts, duplicate: false };
  }),
);

let queue: Pending[] = [];
function flush(): void {
  const batch = queue;
  queue = [];
  let stored: Stored[];
  try {
    stored = append(batch);
  } catch {
    lastSeq.clear(); // rolled back: each thread's last seq is read again from the table
    for (const p of batch) p.ws.send(JSON.stringify({ type: 'error', clientId: p.clientId }));
    return;
  }
  batch.forEach((p, i) => {
    const s = stored[i]!;
    if (!s.duplicate) {
      const msg = JSON.stringify({
        type: 'message',
        message: {
          id: s.id,
          threadId: p.threadId,
          seq: s.seq,
          clientId: p.clientId,
          text: p.text,
          ts: s.ts,
        },
      });
      for (const peer of p.peers) if (peer !== p.ws) peer.send(msg);
    }
    p.ws.send(JSON.stringify({ type: 'ack', threadId: p.threadId, clientId: p.clientId, ...s }));
  });
}

serveRooms(
  port,
  (ws, peers, f) => {
    // Causette's batching (message-writer.ts): committed once the batch stops growing.
    if (queue.length === 0) whenGathered(() => queue.length, flush);
    queue.push({ ws, peers, threadId: f.threadId, clientId: f.clientId, text: f.text });
  },
  async () => {
    await checkpointer.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  },
);
