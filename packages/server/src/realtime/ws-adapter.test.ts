import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WS_PATH, WS_SUBPROTOCOL, WS_TOKEN_PREFIX } from '@causette/shared';
import { attachWebSockets } from './ws-adapter.js';
import { createLogger } from '../logger.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('ws adapter', () => {
  it('keeps nothing of the upgrade request (headers, token) once the socket is open', async () => {
    const http = createServer();
    let request: WeakRef<IncomingMessage> | undefined;
    // Registered first, so it sees the same request object the adapter gets.
    http.on('upgrade', (req: IncomingMessage) => (request = new WeakRef(req)));
    const texts: string[] = [];
    const close = attachWebSockets(http, {
      fetch: (_req, env) => {
        env.upgrade.accepted = { appId: 'app', contactId: 'contact' };
        return new Response(null, { status: 200 });
      },
      onOpen: (socket) => ({
        onText: (t) => {
          texts.push(t);
          socket.sendText(`echo ${t}`);
        },
        onBinary: () => {},
        onClosed: () => {},
      }),
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
});
