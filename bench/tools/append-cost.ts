/**
 * The append transaction alone, without sockets: batches of B messages over T threads written
 * through the real store (synchronous=FULL, checkpoint thread on), timed in wall and CPU time
 * per message; then, with checkpoints off, which b-trees the WAL frames of a commit belong to
 * (every frame is a page written, fsynced and later copied back by a checkpoint).
 * Each message is stamped, and its client id made, at a synthetic arrival time that moves 1 ms
 * every RATE messages: ids made in one burst would share a millisecond, which the load never
 * does, and order the newest index entries unlike it.
 * Usage (after `pnpm build`): node --import tsx bench/tools/append-cost.ts [batch] [threads] [batches] [rate]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { newId } from '@causette/shared';
import { SqliteStore, type AppendInput } from '@causette/server';

const B = Number(process.argv[2] ?? 64);
const T = Number(process.argv[3] ?? 50);
const N = Number(process.argv[4] ?? 1000);
/** Messages per millisecond of the synthetic clock that stamps them (as arrivals under load). */
const RATE = Number(process.argv[5] ?? 15);
const APP = 'app_cost';
const dir = mkdtempSync(join(tmpdir(), 'causette-append-cost-'));
const path = join(dir, 'causette.db');
const store = new SqliteStore(path, { backgroundCheckpoints: true });
await store.createApp({
  id: APP,
  name: APP,
  identitySecret: 's'.repeat(32),
  allowedOrigins: [],
  settings: {
    greeting: '',
    awayMessage: '',
    expectedReplyTime: '',
    preChatForm: { enabled: false, fields: [] },
  },
  createdAt: Date.now(),
});
const threads: string[] = [];
for (let i = 0; i < T; i++) {
  const c = await store.createContact(APP);
  threads.push((await store.createThread(APP, c.id)).id);
}
const text = 'x'.repeat(100);
let sent = 0;
let clock = Date.now();
const batches = (n: number): AppendInput[][] =>
  Array.from({ length: n }, () =>
    Array.from({ length: B }, () => {
      const ts = Math.floor(clock);
      clock += 1 / RATE;
      return {
        appId: APP,
        threadId: threads[sent++ % T]!,
        clientId: newId(ts),
        author: { kind: 'visitor' as const },
        text,
        ts,
      };
    }),
  );

const timed = async (n: number) => {
  const all = batches(n); // ids made outside the timed part
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const each: number[] = [];
  for (const inputs of all) {
    const b0 = performance.now();
    await store.appendMessages(inputs);
    each.push(performance.now() - b0);
  }
  const cpu = process.cpuUsage(cpu0);
  const msgs = n * B;
  each.sort((a, b) => a - b);
  const at = (q: number) => each[Math.min(each.length - 1, Math.floor(q * each.length))]!;
  return {
    wall: ((performance.now() - t0) * 1000) / msgs,
    cpu: (cpu.user + cpu.system) / msgs,
    batch: `p50 ${at(0.5).toFixed(2)} p99 ${at(0.99).toFixed(2)} max ${each.at(-1)!.toFixed(2)} ms`,
  };
};
await timed(200);
for (let r = 0; r < 3; r++) {
  const x = await timed(N);
  console.log(
    `append: wall ${x.wall.toFixed(2)} µs/msg, cpu ${x.cpu.toFixed(2)} µs/msg (both threads); batch ${x.batch}`,
  );
}

// WAL frames of 256 commits, by b-tree.
await store.checkpointer?.stop();
store.sqlite.pragma('wal_autocheckpoint = 0');
store.sqlite.pragma('wal_checkpoint(TRUNCATE)');
for (const inputs of batches(256)) await store.appendMessages(inputs);
const wal = readFileSync(`${path}-wal`);
const pageSize = wal.readUInt32BE(8);
const pages: number[] = [];
let commits = 0;
for (let off = 32; off + 24 + pageSize <= wal.length; off += 24 + pageSize) {
  pages.push(wal.readUInt32BE(off));
  if (wal.readUInt32BE(off + 4) !== 0) commits++;
}
const ro = new Database(path, { readonly: true });
const owner = new Map<number, string>();
const stat = ro.prepare('SELECT name, pageno, pagetype FROM dbstat').all() as {
  name: string;
  pageno: number;
  pagetype: string;
}[];
for (const r of stat) owner.set(r.pageno, `${r.name} (${r.pagetype})`);
ro.close();
const byTree = new Map<string, number>();
for (const p of pages) {
  const k = owner.get(p) ?? `page ${p}`;
  byTree.set(k, (byTree.get(k) ?? 0) + 1);
}
console.log(`WAL: ${(pages.length / commits).toFixed(1)} frames per commit of ${B} messages`);
for (const [k, v] of [...byTree].sort((a, b) => b[1] - a[1]))
  console.log(`${(v / commits).toFixed(2).padStart(7)}  ${k}`);
await store.close();
rmSync(dir, { recursive: true, force: true });
