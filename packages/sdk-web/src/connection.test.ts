import { afterEach, describe, expect, it, vi } from 'vitest';
import { FakeServer } from './testing/fake-server.js';
import { connected, makeClient, next, settle } from './testing/helpers.js';
import type { ClientEvents } from './types.js';

const states = (client: ReturnType<typeof makeClient>) => {
  const seen: string[] = [];
  client.on('state', (e: ClientEvents['state']) => seen.push(`${e.newState}:${e.reason}`));
  return seen;
};

afterEach(() => {
  vi.useRealTimers();
});

describe('connection state machine', () => {
  it('goes idle -> connecting -> connected, and closed on disconnect', async () => {
    const server = new FakeServer();
    const client = makeClient(server);
    const seen = states(client);
    expect(client.state).toBe('idle');
    client.connect();
    await connected(client);
    client.disconnect();
    expect(seen).toEqual(['connecting:connect', 'connected:welcome', 'closed:disconnect']);
    expect(client.state).toBe('closed');
  });

  it('sends the token as a subprotocol, never in the URL', async () => {
    const server = new FakeServer();
    const client = makeClient(server);
    client.connect();
    await connected(client);
    const s = server.opened[0]!;
    expect(s.url).toBe('ws://chat.test/v1/ws');
    expect(s.protocols[0]).toBe('causette.v1');
    expect(s.protocols[1]).toMatch(/^causette\.token\.tok-/);
    client.disconnect();
  });

  it('reconnects after the link drops, refreshing the session first', async () => {
    const server = new FakeServer();
    const client = makeClient(server);
    const seen = states(client);
    client.connect();
    await connected(client);
    const back = connected(client);
    server.drop();
    await back;
    expect(seen.slice(1)).toEqual([
      'connected:welcome',
      'reconnecting:closed',
      'connected:welcome',
    ]);
    // The second session request presented the token from the first.
    expect(server.sessions[1]?.visitorToken).toBe(`tok-${server.opened[0]!.contactId}`);
    client.disconnect();
  });

  it('retries with backoff while the server is unreachable, then connects', async () => {
    const server = new FakeServer();
    server.online = false;
    const delays: number[] = [];
    let fourth: () => void;
    const fourRetries = new Promise<void>((r) => (fourth = r));
    const client = makeClient(server, undefined, {
      backoff: { base: 100, cap: 400 },
      random: () => 0.5,
      timers: {
        // Record retry delays (heartbeat timers are 10 s) and run retries at once.
        setTimeout: (fn: () => void, ms: number) => {
          if (ms > 5000) return setTimeout(fn, ms);
          if (delays.push(ms) === 4) fourth();
          return setTimeout(fn, 0);
        },
        clearTimeout: (t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>),
      },
    });
    const seen = states(client);
    client.connect();
    await fourRetries;
    server.online = true;
    await connected(client);
    expect(delays.slice(0, 4)).toEqual([50, 100, 200, 200]);
    expect(seen.slice(0, 2)).toEqual(['connecting:connect', 'reconnecting:failed']);
    client.disconnect();
  });

  it('notices a dead socket within two heartbeat periods and reconnects', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const server = new FakeServer();
    const client = makeClient(server, undefined, { heartbeatMs: 1000 });
    const seen = states(client);
    client.connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(client.state).toBe('connected');
    server.silent = true; // frames vanish, no close event: a half-open TCP link
    await vi.advanceTimersByTimeAsync(1999);
    expect(client.state).toBe('connected');
    await vi.advanceTimersByTimeAsync(2);
    expect(seen).toContain('reconnecting:heartbeat');
    server.silent = false;
    await vi.advanceTimersByTimeAsync(3000);
    expect(client.state).toBe('connected');
    client.disconnect();
  });

  it('gives up on a session request that never answers and tries again', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const server = new FakeServer();
    server.gate = new Promise(() => {}); // the first request hangs forever (dead keep-alive)
    const client = makeClient(server, undefined, { heartbeatMs: 1000 });
    const seen = states(client);
    client.connect();
    await vi.advanceTimersByTimeAsync(1999);
    expect(seen).toEqual(['connecting:connect']);
    await vi.advanceTimersByTimeAsync(10);
    expect(seen).toEqual(['connecting:connect', 'reconnecting:heartbeat', 'connected:welcome']);
    client.disconnect();
  });

  it('keeps a quiet but healthy link alive by pinging', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const server = new FakeServer();
    const client = makeClient(server, undefined, { heartbeatMs: 1000 });
    client.connect();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(client.state).toBe('connected');
    expect(server.opened).toHaveLength(1);
    expect(server.live!.received.filter((f) => f.type === 'ping').length).toBeGreaterThanOrEqual(9);
    client.disconnect();
  });

  it('answers server pings with pongs', async () => {
    const server = new FakeServer();
    const client = makeClient(server);
    client.connect();
    await connected(client);
    server.push(server.live!, { type: 'ping', t: 42 });
    await settle();
    expect(server.live!.received).toContainEqual({ type: 'pong', t: 42 });
    client.disconnect();
  });

  it('closes for good with an error when the origin is refused', async () => {
    const server = new FakeServer();
    const fetch403: typeof fetch = async () =>
      new Response(JSON.stringify({ error: { code: 'forbidden_origin', message: 'no' } }), {
        status: 403,
      });
    const client = makeClient(server, undefined, { fetch: fetch403 });
    const err = next(client, 'error');
    const closed = next(client, 'state', (e) => e.newState === 'closed');
    client.connect();
    expect(await err).toEqual({ code: 'forbidden_origin', message: 'no' });
    expect((await closed).reason).toBe('fatal');
  });

  it('drops the link when the browser goes offline, retries at once when online or visible again', async () => {
    const target = new EventTarget();
    const g = globalThis as unknown as Record<string, unknown>;
    g.addEventListener = target.addEventListener.bind(target);
    g.removeEventListener = target.removeEventListener.bind(target);
    g.document = Object.assign(new EventTarget(), { hidden: true });
    try {
      const server = new FakeServer();
      const client = makeClient(server, undefined, { backoff: { base: 60_000, cap: 60_000 } });
      client.connect();
      await connected(client);
      const offline = next(client, 'state', (e) => e.reason === 'offline');
      server.online = false;
      target.dispatchEvent(new Event('offline'));
      await offline;
      await settle();
      expect(client.state).toBe('reconnecting');
      server.online = true;
      const back = connected(client);
      target.dispatchEvent(new Event('online')); // no need to wait out the 60 s backoff
      await back;
      // A page coming back from the background also retries at once.
      const back2 = connected(client);
      server.online = false;
      target.dispatchEvent(new Event('offline'));
      server.online = true;
      (g.document as { hidden: boolean }).hidden = false;
      (g.document as EventTarget).dispatchEvent(new Event('visibilitychange'));
      await back2;
      client.disconnect();
      // disconnect() removed the listeners: an online event now does nothing
      target.dispatchEvent(new Event('online'));
      await settle();
      expect(client.state).toBe('closed');
    } finally {
      delete g.addEventListener;
      delete g.removeEventListener;
      delete g.document;
    }
  });
});
