#!/usr/bin/env node
// Fresh-machine set-up: make sure pnpm (pinned version) is available, install the
// workspace from the lockfile, then run the pnpm script named on the command line.
// Usage: node scripts/setup.mjs <pnpm-script> [args...]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const wanted = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).packageManager.split('@')[1];

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function pnpmVersion() {
  const r = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

let pnpm = ['pnpm'];
if (pnpmVersion() !== wanted) {
  console.log(
    `[setup] installing pnpm@${wanted} (corepack is not used: it fails on registry signatures)`,
  );
  if (run('npm', ['install', '-g', `pnpm@${wanted}`]) !== 0 || pnpmVersion() !== wanted) {
    pnpm = ['npx', '-y', `pnpm@${wanted}`];
  }
}

const [, , script, ...rest] = process.argv;
const exec = (args) => {
  const code = run(pnpm[0], [...pnpm.slice(1), ...args]);
  if (code !== 0) process.exit(code);
};
exec(['install', '--frozen-lockfile']);
if (script) exec(['run', script, ...rest]);
