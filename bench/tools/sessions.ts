/**
 * Sessions per second over `POST /v1/session`, `n` of them with `concurrency` in flight,
 * against the Causette server in its own process. Prints sessions/s, latency percentiles and
 * the server's CPU per session. Kinds of session (`--kind`):
 * - `anonymous` (default): no token; each creates an anonymous contact;
 * - `identified`: a signed user token for a new user each time (a contact and its
 *   `contact.identified` event);
 * - `merge`: an anonymous session first (not timed), then the timed sign-in with its visitor
 *   token, which creates the user and merges the anonymous contact into it.
 * With a third argument, a second Causette build (see ab.ts) is measured the same way right
 * after, for a before/after on the same host minute.
 * Usage: node --import tsx bench/tools/sessions.ts [n] [concurrency] [otherCli] [--kind=K]
 */
import { signIdentityToken } from '@causette/server';
import { freePort } from '../lib/ports.js';
import { cpuMicros, waitReady } from '../lib/proc.js';
import { startTarget } from '../lib/targets.js';
import { openSession, pool, type SessionTokens } from '../load/clients.js';

const KINDS = ['anonymous', 'identified', 'merge'] as const;
const flag = process.argv.find((a) => a.startsWith('--kind='));
const kind = (flag?.slice('--kind='.length) ?? 'anonymous') as (typeof KINDS)[number];
if (!KINDS.includes(kind)) throw new Error(`--kind must be one of ${KINDS.join(', ')}`);
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const n = Number(args[0] ?? 5000);
const concurrency = Number(args[1] ?? 50);
const otherCli = args[2];
let users = 0;

async function measure(label: string): Promise<void> {
  const t = startTarget('causette', await freePort());
  try {
    await waitReady(t.url);
    const ep = { url: t.url, appId: t.appId!, protocol: 'causette' as const };
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const userToken = () => signIdentityToken({ sub: `user-${++users}`, exp }, t.identitySecret!);
    const tokens = async (): Promise<SessionTokens> =>
      kind === 'anonymous'
        ? {}
        : kind === 'identified'
          ? { userToken: userToken() }
          : { visitorToken: await openSession(ep), userToken: userToken() };
    await pool(200, concurrency, async () => openSession(ep, await tokens())); // warm-up
    // Everything a timed request sends is made before the clock starts (merge: its anonymous
    // session too).
    const requests = await pool(n, concurrency, tokens);
    const cpu0 = cpuMicros(t.child.proc.pid!);
    const times: number[] = [];
    const t0 = performance.now();
    await pool(n, concurrency, async (i) => {
      const s = performance.now();
      await openSession(ep, requests[i]!);
      times.push(performance.now() - s);
    });
    const secs = (performance.now() - t0) / 1000;
    const cpu = cpuMicros(t.child.proc.pid!) - cpu0;
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
    console.log(
      `${label.padEnd(9)} ${kind} ${Math.round(n / secs)} sessions/s  p50 ${pct(0.5).toFixed(2)}  p99 ${pct(0.99).toFixed(2)} ms  cpu ${(cpu / n).toFixed(0)} µs/session`,
    );
  } finally {
    await t.stop();
  }
}

await measure('causette');
if (otherCli) {
  process.env.CAUSETTE_BENCH_CLI = otherCli;
  await measure('other');
}
