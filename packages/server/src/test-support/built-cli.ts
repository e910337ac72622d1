/** The built CLI (dist/cli.js) for tests that run real processes; built on demand. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PKG = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(PKG, 'dist', 'cli.js');

function newestSource(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestSource(p));
    else if (!e.name.endsWith('.test.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const fresh = () => existsSync(CLI) && statSync(CLI).mtimeMs >= newestSource(join(PKG, 'src'));
const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Build dist/ when it is missing or older than the sources. Test files run in parallel, so a
 * lock directory makes one of them build while the others wait for it.
 */
export function ensureBuilt(): void {
  if (fresh()) return;
  const lock = join(PKG, '.build-lock');
  for (let i = 0; ; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (i > 1200) throw new Error(`stale ${lock}? remove it`);
      sleep(100);
    }
  }
  try {
    if (fresh()) return;
    const r = spawnSync('pnpm', ['build'], { cwd: PKG, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`build failed: ${r.stdout}${r.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Run the CLI to completion. */
export function runCli(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
