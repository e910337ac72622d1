/**
 * The only file that touches `ws`. Upgrades are first passed through the Hono app (route
 * `GET /v1/ws`) so origin checks, authentication and rate limits run before a socket opens;
 * only an accepted request is upgraded. Frames are capped at MAX_FRAME_BYTES, no deflate.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';
import { WebSocket, WebSocketServer, type RawData, type ServerOptions } from 'ws';
import { MAX_FRAME_BYTES, WS_PATH, WS_SUBPROTOCOL } from '@causette/shared';
import type { Logger } from '../logger.js';
import type { Socket } from './socket.js';

/** How long a socket we closed may wait for the peer's close frame before it is dropped. */
export const CLOSE_DEADLINE_MS = 2000;

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

const BAD_HOST = '{"error":{"code":"validation_failed","message":"bad Host header"}}';

/** The upgrade request as a fetch Request; throws when its Host cannot be part of a URL. */
function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [k, val] of Object.entries(req.headers)) {
    if (typeof val === 'string') headers.set(k, val);
    else if (Array.isArray(val)) headers.set(k, val.join(', '));
  }
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, { headers });
}

/** A Buffer sent with these options leaves as a text frame, not a binary one. */
const TEXT = { binary: false } as const;

/** What ws's `_socket` offers beyond the stream types: write batching. */
interface RawSocket {
  cork(): void;
  uncork(): void;
}

/**
 * The socket class the ws server creates: it is also the `Socket` realtime code sees, and its
 * listeners are module functions reading `this`, so an open socket carries no closures of its
 * own (a wrapper object with five closures and three listener arrows cost ~1 KB of heap
 * per idle socket: `bench/tools/heap-diff.ts`).
 */
class ServerSocket extends WebSocket implements Socket {
  handlers: SocketHandlers | undefined;
  logger: Logger | undefined;
  private corked = false;

  // ws writes each frame with its own syscall; corking until the current batch of work is
  // done (nextTick runs after the microtasks that send a commit's acks and broadcasts) lets
  // several frames for this socket leave in one write.
  sendText(data: string): void {
    if (!this.corked) {
      this.corked = true;
      this.raw().cork();
      process.nextTick(uncork, this);
    }
    this.send(data);
  }

  sendShared(frame: Buffer): void {
    this.send(frame, TEXT);
  }

  uncork(): void {
    this.corked = false;
    this.raw().uncork();
  }

  private raw(): RawSocket {
    return (this as unknown as { _socket: RawSocket })._socket;
  }
}

function uncork(s: ServerSocket): void {
  s.uncork();
}

// ws calls listeners with `this` set to the socket, which the server made a ServerSocket.
function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const { handlers } = this as ServerSocket;
  if (isBinary) handlers!.onBinary();
  else handlers!.onText(data.toString());
}

function onClose(this: WebSocket): void {
  (this as ServerSocket).handlers!.onClosed();
}

function onError(this: WebSocket, err: Error): void {
  (this as ServerSocket).logger!.debug({ err: err.message }, 'socket error');
}

/**
 * Wires a socket to its handlers. Kept apart from the upgrade callback so the socket's
 * listeners do not capture (and keep alive) the upgrade request with its headers and token.
 */
function wire(
  ws: ServerSocket,
  who: { appId: string; contactId: string },
  opts: WsAdapterOptions,
): void {
  ws.logger = opts.logger;
  ws.handlers = opts.onOpen(ws, who);
  ws.on('message', onMessage);
  ws.on('close', onClose);
  ws.on('error', onError);
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
  const options: ServerOptions<typeof ServerSocket> & { closeTimeout: number } = {
    WebSocket: ServerSocket,
    // A peer that never answers our close frame (it stopped reading) is dropped this long
    // after the close, whoever closed: ws's own default is 30 s. (ws >= 8.19 reads this option;
    // @types/ws does not list it yet.)
    closeTimeout: CLOSE_DEADLINE_MS,
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: false,
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  };
  const wss = new WebSocketServer<typeof ServerSocket>(options);

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', destroyOnError);
    const path = (req.url ?? '/').split('?')[0];
    if (path !== WS_PATH) {
      writeHttpError(socket, 404, '{"error":{"code":"not_found","message":"no such endpoint"}}');
      return;
    }
    let request: Request;
    try {
      request = toRequest(req);
    } catch {
      // A Host header no URL can hold (`a b`, `a:99999`, `[`): Node's HTTP parser lets it
      // through to 'upgrade', where a throw would take the whole process down.
      writeHttpError(socket, 400, BAD_HOST);
      return;
    }
    const env: UpgradeEnv = { upgrade: {}, ip: req.socket.remoteAddress ?? '' };
    Promise.resolve(opts.fetch(request, env))
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
