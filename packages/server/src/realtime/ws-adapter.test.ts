import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_PATH, WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from '@causette/shared';
import { attachWebSockets, CLOSE_DEADLINE_MS, type WsAdapterOptions } from './ws-adapter.js';
import type { Socket } from './socket.js';
import { createLogger } from '../logger.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/**
 * An HTTP server with the adapter attached, accepting every upgrade, and a client socket open
 * to it (with a 200-character token). `prepare` runs on the server before the adapter is.
 */
async function openSocket(
  onOpen: WsAdapterOptions['onOpen'],
  prepare: (http: Server) => void = () => {},
): Promise<WebSocket> {
  const http = createServer();
  prepare(http);
  const close = attachWebSockets(http, {
    fetch: (_req, env) => {
      env.upgrade.accepted = { appId: 'app', contactId: 'contact' };
      return new Response(null, { status: 200 });
    },
    onOpen,
    logger: createLogger('silent'),
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => http.close(() => r())), close);
  const { port } = http.address() as AddressInfo;
  const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}`, [
    WS_SUBPROTOCOL,
    `${WS_TOKEN_PREFIX}${'t'.repeat(200)}`,
  ]);
  cleanups.push(() => ws.terminate());
  await new Promise((r) => ws.once('open', r));
  return ws;
}

describe('ws adapter', () => {
  it('keeps nothing of the upgrade request (headers, token) once the socket is open', async () => {
    let request: WeakRef<IncomingMessage> | undefined;
    const ws = await openSocket(
      (socket) => ({
        onText: (t) => socket.sendText(`echo ${t}`),
        onBinary: () => {},
        onClosed: () => {},
      }),
      // Registered first, so it sees the same request object the adapter gets.
      (http) => http.on('upgrade', (req: IncomingMessage) => (request = new WeakRef(req))),
    );
    const echoed = new Promise((r) => ws.once('message', (d) => r(String(d))));
    ws.send('hi');
    expect(await echoed).toBe('echo hi');
    // The socket is open and working; its upgrade request must be collectable by now.
    for (let i = 0; i < 5 && request?.deref(); i++) {
      await new Promise((r) => setImmediate(r));
      gc();
    }
    expect(request).toBeDefined();
    expect(request!.deref()).toBeUndefined();
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('sends the frames of one turn of work to a socket in one write', async () => {
    const writes = { single: 0, batched: 0 };
    const ws = await openSocket((socket) => {
      // Count what reaches the TCP socket under ws: one write per frame, or one for all.
      const tcp = (socket as unknown as { _socket: Record<string, unknown> })._socket;
      for (const [name, key] of [
        ['_write', 'single'],
        ['_writev', 'batched'],
      ] as const) {
        const original = tcp[name] as (...args: unknown[]) => unknown;
        tcp[name] = function (this: unknown, ...args: unknown[]) {
          writes[key] += 1;
          return original.apply(this, args);
        };
      }
      return {
        onText: (t) => {
          for (const n of [1, 2, 3]) socket.sendText(`${t} ${n}`);
        },
        onBinary: () => {},
        onClosed: () => {},
      };
    });
    const got: string[] = [];
    const three = new Promise<void>((r) =>
      ws.on('message', (d) => {
        got.push(String(d));
        if (got.length === 3) r();
      }),
    );
    ws.send('hi');
    await three;
    expect(got).toEqual(['hi 1', 'hi 2', 'hi 3']);
    expect(writes).toEqual({ single: 0, batched: 1 });
  });

  it('drops a peer that never answers the close frame after CLOSE_DEADLINE_MS', async () => {
    let server: Socket | undefined;
    let closedAt = 0;
    const ws = await openSocket((socket) => {
      server = socket;
      return { onText: () => {}, onBinary: () => {}, onClosed: () => (closedAt = Date.now()) };
    });
    ws.pause(); // the peer stops reading: it never sees the close frame, never answers it
    const t0 = Date.now();
    server!.close(4000, 'bye');
    while (closedAt === 0 && Date.now() - t0 < CLOSE_DEADLINE_MS + 2000)
      await new Promise((r) => setTimeout(r, 50));
    expect(closedAt).toBeGreaterThan(0);
    expect(closedAt - t0).toBeGreaterThanOrEqual(CLOSE_DEADLINE_MS - 50);
  });
});
