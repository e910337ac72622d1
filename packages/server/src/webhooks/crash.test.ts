/**
 * Crash safety with real processes: the built CLI is killed with SIGKILL while deliveries are
 * pending (receiver failing, then down), restarted, and must deliver every event with the
 * webhook-id the receiver saw before the crash.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TestClient } from '../testing/ws-test-client.js';
import { api } from '../test-support/fixtures.js';
import { startReceiver, type Receiver } from '../test-support/receiver.js';
import { CLI, ensureBuilt } from '../test-support/built-cli.js';
import { until } from '../test-support/until.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

let dir: string;
let port: number;
let url: string;
let creds: { appId: string; apiKey: string };
let server: ChildProcess | undefined;
let rx: Receiver | undefined;

async function serve(): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--port', String(port), '--data', dir, '--allow-private-webhooks', '--no-demo'],
    {
      env: {
        ...process.env,
        CAUSETTE_LOG_LEVEL: 'silent',
        // Retries every 200 ms so the test is quick; 8 attempts, so none is dead-lettered.
        CAUSETTE_WEBHOOK_SCHEDULE_MS: '0,200,200,200,200,200,200,200',
        CAUSETTE_WEBHOOK_TIMEOUT_MS: '500',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return child;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('server did not become ready');
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'causette-crash-'));
  const init = spawnSync(process.execPath, [CLI, 'init', '--data', dir, '--json'], {
    encoding: 'utf8',
  });
  creds = JSON.parse(init.stdout) as typeof creds;
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) await kill9(server);
  await rx?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a crash with pending webhook deliveries', () => {
  it('redelivers every pending event after SIGKILL and restart, with the same webhook-id', async () => {
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    rx = await startReceiver();
    const rxPort = rx.port;
    rx.fallback = { status: 500, body: 'not now' };
    server = await serve();
    const s = { url };
    const ep = await api(s, creds.apiKey, 'POST', '/v1/webhooks/endpoints', { url: rx.url });
    expect(ep.status).toBe(201);

    // Phase 1: the receiver answers 500 (it sees the ids), so deliveries stay pending.
    const c = await TestClient.connect(url, creds.appId);
    const t = await c.openThread();
    await c.sendMessage(t.id, 'v-1', 'one');
    await c.sendMessage(t.id, 'v-2', 'two');
    c.close();
    await rx.waitFor(3);
    const seenBefore = new Set(rx.received.map((r) => String(r.headers['webhook-id'])));
    expect(seenBefore.size).toBe(3); // thread.created + 2 x message.created

    // Phase 2: the receiver is down; more events pile up.
    await rx.close();
    for (const text of ['agent one', 'agent two']) {
      const r = await api(s, creds.apiKey, 'POST', `/v1/threads/${t.id}/messages`, { text });
      expect(r.status).toBe(201);
    }
    const log = () =>
      api(s, creds.apiKey, 'GET', `/v1/webhooks/endpoints/${ep.json.id}/deliveries`).then(
        (r) => r.json.data as { eventId: string; status: string }[],
      );
    const all = await until(log, (d) => d.length >= 5, 10_000);
    expect(all).toHaveLength(5);
    expect(all.every((d) => d.status === 'pending')).toBe(true);

    await kill9(server);

    // Restart with the receiver back up on the same address.
    rx = await startReceiver(rxPort);
    server = await serve();
    await rx.waitFor(5, 15_000);
    const ids = rx.received.map((r) => String(r.headers['webhook-id']));
    expect(new Set(ids)).toEqual(new Set(all.map((d) => d.eventId)));
    for (const id of seenBefore) expect(ids).toContain(id);
    expect(ids).toHaveLength(5); // each once: nothing delivered twice after a success

    // The receiver sees a request before the dispatcher records its answer: wait for that.
    const succeeded = await until(
      () =>
        api(
          s,
          creds.apiKey,
          'GET',
          `/v1/webhooks/endpoints/${ep.json.id}/deliveries?status=succeeded`,
        ).then((r) => r.json.data as unknown[]),
      (d) => d.length >= 5,
      5000,
    );
    expect(succeeded).toHaveLength(5);
    expect(rx.received).toHaveLength(5); // still once each, now that every success is recorded
  }, 60_000);
});
