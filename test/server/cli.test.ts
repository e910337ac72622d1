/** The `causette` CLI as a user runs it: validation messages, first-start banner, shutdown. */
import { describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../support/server-process.js';

const CLI = new URL('../../packages/server/dist/cli.js', import.meta.url).pathname;

function serveUntil(args: string[], marker: RegExp): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let signalled = false;
    const onData = (d: Buffer) => {
      out += d.toString();
      if (!signalled && marker.test(out)) {
        signalled = true; // a second signal means "exit now" (code 1)
        child.kill('SIGTERM');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => resolve({ out, code }));
  });
}

describe('causette CLI', () => {
  it.each([
    [['--port', 'eighty'], /port/],
    [['--port', '70000'], /port/],
    [['--log-level', 'loud'], /logLevel/],
    [['--heartbeat-ms', '5'], /heartbeatMs/],
    [['--bogus'], /Unknown option/],
  ])('refuses %j with a clear message and exit code 2', (args, message) => {
    const r = spawnSync(process.execPath, [CLI, 'serve', ...args], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toContain('Usage:');
  });

  it.each([
    ['CAUSETTE_WEBHOOK_TIMEOUT_MS', 'fast'],
    ['CAUSETTE_WEBHOOK_SCHEDULE_MS', '0,later'],
    ['CAUSETTE_WEBHOOK_RETENTION_DAYS', '-3'],
  ])('refuses %s=%s with a clear message and exit code 2', (name, value) => {
    const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '0'], {
      encoding: 'utf8',
      env: { ...process.env, [name]: value },
      timeout: 20_000, // a value let through would leave the server running
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^causette: ${name} must be`));
    expect(r.stderr).toContain('Usage:');
  });

  it('shows the credentials on the first start only, and stops cleanly on SIGTERM', async () => {
    const data = mkdtempSync(join(tmpdir(), 'causette-cli-'));
    try {
      const args = ['--port', String(await freePort()), '--data', data, '--no-demo'];
      // Both, in either order: the log line (pino) and the banner (console) are separate writes.
      const first = await serveUntil(
        args,
        /^(?=[\s\S]*"msg":"listening")(?=[\s\S]*Identity secret)/,
      );
      expect(first.out).toMatch(/App id\s+app_\w+/);
      expect(first.out).toMatch(/API key\s+csk_[\w-]{20,}/);
      expect(first.out).not.toContain('Demo'); // --no-demo: no demo page to point at
      expect(first.code).toBe(0);
      const second = await serveUntil(args, /"msg":"listening"/);
      expect(second.out).not.toContain('API key');
      expect(second.out).toContain('"msg":"stopped"');
      expect(second.code).toBe(0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });

  it('points the first-start banner at the demo page when it is served', async () => {
    const data = mkdtempSync(join(tmpdir(), 'causette-cli-'));
    try {
      const port = await freePort();
      const r = await serveUntil(
        ['--port', String(port), '--data', data],
        /^(?=[\s\S]*"msg":"listening")(?=[\s\S]*Demo\s+http)/,
      );
      expect(r.out).toContain(`Demo             http://127.0.0.1:${port}/`);
      expect(r.code).toBe(0);
    } finally {
      rmSync(data, { recursive: true, force: true });
    }
  });
});
