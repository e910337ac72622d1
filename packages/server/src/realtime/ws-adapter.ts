/**
 * The only file that touches `ws`. Upgrades are first passed through the Hono app (route
 * `GET /v1/ws`) so origin checks, authentication and rate limits run before a socket opens;
 * only an accepted request is upgraded. Frames are capped at MAX_FRAME_BYTES, no deflate.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_FRAME_BYTES, WS_PATH, WS_SUBPROTOCOL } from '@causette/shared';
import type { Logger } from '../logger.js';
import type { Socket } from './socket.js';

/** Set by the `/v1/ws` route on the Hono env when the upgrade may proceed. */
export interface UpgradeEnv {
  upgrade: { accepted?: { appId: string; contactId: string } };
  ip: string;
}

export interface SocketHandlers {
  onText(raw: string): void;
  onBinary(): void;
  onClosed(): void;
}

export interface WsAdapterOptions {
  fetch: (req: Request, env: UpgradeEnv) => Response | Promise<Response>;
  onOpen: (socket: Socket, who: { appId: string; contactId: string }) => SocketHandlers;
  logger: Logger;
}

function writeHttpError(socket: Duplex, status: number, body: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
  socket.destroy();
}

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [k, val] of Object.entries(req.headers)) {
    if (typeof val === 'string') headers.set(k, val);
    else if (Array.isArray(val)) headers.set(k, val.join(', '));
  }
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { headers });
}

/** The only place a ws socket is touched after its upgrade. */
interface RawSocket {
  cork(): void;
  uncork(): void;
}

/**
 * Wires a socket to its handlers. Kept apart from the upgrade callback so the socket's
 * listeners do not capture (and keep alive) the upgrade request with its headers and token.
 */
function wire(
  ws: WebSocket,
  who: { appId: string; contactId: string },
  opts: WsAdapterOptions,
): void {
  // ws writes each frame with its own syscall; corking until the current batch of work is
  // done (nextTick runs after the microtasks that send a commit's acks and broadcasts) lets
  // several frames for this socket leave in one write.
  const raw = (ws as unknown as { _socket: RawSocket })._socket;
  let corked = false;
  const uncork = () => {
    corked = false;
    raw.uncork();
  };
  const handlers = opts.onOpen(
    {
      send: (d) => {
        if (!corked) {
          corked = true;
          raw.cork();
          process.nextTick(uncork);
        }
        ws.send(d);
      },
      close: (code, reason) => ws.close(code, reason),
      terminate: () => ws.terminate(),
      get bufferedAmount() {
        return ws.bufferedAmount;
      },
    },
    who,
  );
  ws.on('message', (data, isBinary) => {
    if (isBinary) handlers.onBinary();
    else handlers.onText(data.toString());
  });
  ws.on('close', () => handlers.onClosed());
  ws.on('error', (err) => opts.logger.debug({ err: err.message }, 'socket error'));
}

/**
 * A plain function, not an arrow in the upgrade callback: a closure there shares the
 * callback's context, which holds `req` (and `head`), and a listener that lives as long as the
 * socket would keep the whole upgrade request (its headers, the token among them) alive with
 * it. Measured: ~2 KB per open socket.
 */
function destroyOnError(this: Duplex): void {
  this.destroy();
}

/** Attach WebSocket handling to an HTTP server; returns a function that closes the ws server. */
export function attachWebSockets(server: Server, opts: WsAdapterOptions): () => void {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroyOnError);
    const path = (req.url ?? '/').split('?')[0];
    if (path !== WS_PATH) {
      writeHttpError(socket, 404, '{"error":{"code":"not_found","message":"no such endpoint"}}');
      return;
    }
    const env: UpgradeEnv = { upgrade: {}, ip: req.socket.remoteAddress ?? '' };
    Promise.resolve(opts.fetch(toRequest(req), env))
      .then(async (res) => {
        const who = env.upgrade.accepted;
        if (!who || res.status !== 200) {
          writeHttpError(socket, res.status === 200 ? 500 : res.status, await res.text());
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => wire(ws, who, opts));
      })
      .catch((err: unknown) => {
        opts.logger.error({ err }, 'upgrade failed');
        writeHttpError(socket, 500, '{"error":{"code":"internal","message":"upgrade failed"}}');
      });
  });

  return () => wss.close();
}
