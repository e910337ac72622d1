/**
 * Where each server spends its CPU, per message: runs a target (raw-ws, socketio, causette)
 * under `node --cpu-prof` with the bench load, then prints, for every JavaScript thread's
 * profile, the busy time per acked message and the functions with the most self time in µs
 * per message.
 * Usage: node --import tsx bench/tools/cpu-prof.ts <target> [clients] [measureMs]
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileRelays } from '../lib/compile.js';
import { freePort } from '../lib/ports.js';
import { waitReady } from '../lib/proc.js';
import { PROTOCOL, TARGETS, startTarget, type TargetName } from '../lib/targets.js';
import { loadgen } from '../scenarios/common.js';

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

const target = (process.argv[2] ?? 'causette') as TargetName;
if (!TARGETS.includes(target)) throw new Error(`target must be one of ${TARGETS.join(', ')}`);
const clients = Number(process.argv[3] ?? 100);
const measureMs = Number(process.argv[4] ?? 5000);
const dir = mkdtempSync(join(tmpdir(), 'causette-cpuprof-'));

compileRelays();
const t = startTarget(target, await freePort(), {
  nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
});
await waitReady(t.url);
const gen = loadgen({
  mode: 'throughput',
  protocol: PROTOCOL[target],
  url: t.url,
  ...(t.appId ? { appId: t.appId } : {}),
  clients,
  warmupMs: 1000,
  measureMs,
  payloadBytes: 100,
});
const { result } = await gen.line<{ result: { acks: number; msgsPerSec: number } }>(
  (o) => 'result' in o,
);
await gen.stop();
await t.stop(); // SIGTERM: a clean exit writes the profiles
// Messages over the whole profiled run (warm-up included), from the measured rate.
const msgs = result.msgsPerSec * ((measureMs + 1000) / 1000);
console.log(`${target} @ ${clients}: ${Math.round(result.msgsPerSec)} msgs/s`);
for (const f of readdirSync(dir).filter((x) => x.endsWith('.cpuprofile'))) {
  const p = JSON.parse(readFileSync(join(dir, f), 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let busy = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id)!;
    const name = n.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') return;
    const where = n.callFrame.url.split('/').slice(-2).join('/');
    const k = `${name} ${where}${where ? `:${n.callFrame.lineNumber + 1}` : ''}`;
    const dt = p.timeDeltas[i] ?? 0;
    self.set(k, (self.get(k) ?? 0) + dt);
    busy += dt;
  });
  console.log(`\n${f}: busy ${(busy / msgs).toFixed(1)} µs/msg`);
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20))
    console.log(`  ${(v / msgs).toFixed(2).padStart(7)} µs/msg  ${k}`);
}
