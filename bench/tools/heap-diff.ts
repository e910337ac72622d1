/**
 * What an idle Causette socket keeps on the server's heap: creates N visitor sessions, takes a
 * heap snapshot, opens N sockets (hello answered), takes another, and prints the heap growth per
 * socket by object kind (constructor or closure name), largest first. RSS figures come from
 * `pnpm bench`; this says where they go.
 * Usage (after `pnpm build`):
 *   node --import tsx bench/tools/heap-diff.ts [sockets] [rows] [heartbeatMs] [holdMs]
 * With HOLD=seconds, no snapshot is taken and the server is kept that long after the readings.
 */
import { compileRelays } from '../lib/compile.js';
import { collectGarbage, heapSpaces, inspectorCall, openInspector } from '../lib/gc.js';
import type { Child } from '../lib/proc.js';
import { endpoint, loadgen, ready, sleep } from '../scenarios/common.js';

const n = Number(process.argv[2] ?? 2000);
const rows = Number(process.argv[3] ?? 25);
/** As in `pnpm bench`'s idle scenario: pings every 5 s, readings after 6 s of them. */
const heartbeatMs = Number(process.argv[4] ?? 5000);
const holdMs = Number(process.argv[5] ?? 6000);

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/** Self size and count per `type:name`, from a heap snapshot taken over the inspector. */
async function heapByKind(child: Child): Promise<Map<string, { size: number; count: number }>> {
  const ws = await openInspector(child);
  const chunks: string[] = [];
  await inspectorCall(ws, 1, 'HeapProfiler.takeHeapSnapshot', {}, (method, params) => {
    if (method === 'HeapProfiler.addHeapSnapshotChunk')
      chunks.push((params as { chunk: string }).chunk);
  });
  ws.close();
  const s = JSON.parse(chunks.join('')) as Snapshot;
  const f = s.snapshot.meta.node_fields;
  const types = s.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = ['type', 'name', 'self_size'].map((k) => f.indexOf(k)) as [
    number,
    number,
    number,
  ];
  const out = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < s.nodes.length; i += f.length) {
    const type = types[s.nodes[i + iType]!]!;
    const name = type === 'object' || type === 'closure' ? s.strings[s.nodes[i + iName]!]! : '';
    const key = `${type}${name ? `:${name.slice(0, 60)}` : ''}`;
    const e = out.get(key) ?? { size: 0, count: 0 };
    e.size += s.nodes[i + iSize]!;
    e.count += 1;
    out.set(key, e);
  }
  return out;
}

compileRelays();
const server = await ready('causette', { fds: n + 1024, inspect: true, heartbeatMs });
const gen = loadgen(
  {
    mode: 'idle',
    ...endpoint(server),
    clients: n,
    holdMs: 600_000,
    connsPerSession: 1,
    sourceAddresses: 8,
  },
  n + 256,
);
try {
  await gen.line((o) => o.phase === 'sessions', 300_000);
  await collectGarbage(server.child);
  const memBefore = await heapSpaces(server.child);
  // A snapshot leaves the serializer's native memory behind: with HOLD, none is taken, so the
  // held process can be inspected (/proc/PID/smaps) as the sockets left it.
  const snapshots = !process.env.HOLD;
  const before = snapshots ? await heapByKind(server.child) : new Map();
  gen.send('connect');
  await gen.line((o) => o.phase === 'ramped', 300_000);
  await sleep(holdMs);
  await collectGarbage(server.child);
  const memAfter = await heapSpaces(server.child);
  const after = snapshots ? await heapByKind(server.child) : new Map();
  console.log('MiB          before  after');
  for (const [k, a] of Object.entries(memAfter))
    console.log(`${k.padEnd(22)} ${String(memBefore[k]).padStart(6)} ${String(a).padStart(6)}`);
  const diff = [...after]
    .map(([k, a]) => {
      const b = before.get(k) ?? { size: 0, count: 0 };
      return { k, size: (a.size - b.size) / n, count: (a.count - b.count) / n };
    })
    .sort((x, y) => y.size - x.size);
  const total = diff.reduce((a, d) => a + d.size, 0);
  console.log(`heap growth per socket (${n} sockets): ${total.toFixed(0)} B`);
  for (const d of diff.slice(0, rows))
    console.log(`${d.size.toFixed(0).padStart(7)} B  ${d.count.toFixed(2).padStart(6)}  ${d.k}`);
  if (process.env.HOLD) {
    console.log(`holding for ${process.env.HOLD} s, server pid ${server.child.proc.pid}`);
    await sleep(Number(process.env.HOLD) * 1000);
  }
} finally {
  gen.proc.kill();
  await server.stop();
}
