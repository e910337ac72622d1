import { createServer, connect as tcp, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, memoryStorage } from '@causette/sdk-web';
import WebSocket from 'ws';
import { agentReply, next, server } from './support.js';

/** A TCP relay whose existing connections can be frozen: bytes stop, nothing closes. */
async function relay(port: number) {
  const pairs: [Socket, Socket][] = []; // live (not frozen)
  const all: [Socket, Socket][] = [];
  const srv: Server = createServer((c) => {
    const u = tcp(port, '127.0.0.1');
    c.pipe(u).pipe(c);
    c.on('error', () => {});
    u.on('error', () => {});
    pairs.push([c, u]);
    all.push([c, u]);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as { port: number }).port}`,
    /** A half-open link, as after a NAT timeout or a laptop sleep: no FIN, no RST. */
    freeze() {
      for (const [c, u] of pairs.splice(0)) {
        c.unpipe(u);
        u.unpipe(c);
        c.pause();
        u.pause();
      }
    },
    close() {
      for (const [c, u] of all) {
        c.destroy();
        u.destroy();
      }
      srv.close();
    },
  };
}

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

describe('sdk against the real server: a dead link', () => {
  it('is noticed by the heartbeat within two periods and the conversation resumes', async () => {
    const s = await server();
    cleanup.push(() => s.stop());
    const r = await relay(s.port);
    cleanup.push(() => r.close());
    const c = createClient({
      appId: s.appId,
      url: r.url,
      WebSocket,
      storage: memoryStorage(),
      heartbeatMs: 500,
      backoff: { base: 50, cap: 200 },
    });
    cleanup.push(() => c.disconnect());
    const up = next(c, 'state', (e) => e.newState === 'connected');
    c.connect();
    await up;
    const thread = await c.openThread();

    const dead = next(c, 'state', (e) => e.reason === 'heartbeat');
    const back = next(c, 'state', (e) => e.newState === 'connected');
    const frozenAt = Date.now();
    r.freeze();
    await agentReply(s.url, s.apiKey, thread.id, 'sent into the void');
    await dead;
    expect(Date.now() - frozenAt).toBeLessThan(2000); // 2 periods of 500 ms, plus slack
    await back;
    if (thread.messages.length === 0) await next(c, 'message');
    expect(thread.messages.map((m) => m.text)).toEqual(['sent into the void']);
  });
});
