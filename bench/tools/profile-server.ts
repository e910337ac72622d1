/**
 * Profiles the Causette server's main thread under the bench load: starts the server in this
 * process, runs the load generator as a child, records a V8 CPU profile of the measured window
 * and prints the top self-time functions. Usage: node --import tsx bench/tools/profile-server.ts [clients]
 */
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { underLoad } from '../lib/in-process.js';

const clients = Number(process.argv[2] ?? 100);
const { server: s, gen, dataDir } = await underLoad(clients, 4000);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await gen.line((o) => o.phase === 'measure-start');
await session.post('Profiler.start');
await gen.line((o) => o.phase === 'measure-end');
const { profile } = await session.post('Profiler.stop');
const { result } = await gen.line<{ result: any }>((o) => 'result' in o);
writeFileSync(join(dataDir, 'main.cpuprofile'), JSON.stringify(profile));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
const dt = profile.timeDeltas ?? [];
let total = 0;
profile.samples?.forEach((id, i) => {
  const n = byId.get(id)!;
  const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber}`;
  self.set(k, (self.get(k) ?? 0) + (dt[i] ?? 0));
  total += dt[i] ?? 0;
});
console.log(JSON.stringify(result));
console.log(`writer: ${JSON.stringify(s.writer.stats)}`);
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 35))
  console.log(`${((v / total) * 100).toFixed(1)}%  ${k}`);
await s.stop();
process.exit(0);
