/**
 * What the two `ws` relays share: an HTTP server answering `/readyz`, `ws` on the same port
 * (no deflate, 16 KiB frames), 2-party rooms named by `?room=`, each JSON frame parsed and
 * handed to the relay with the sender's room, pings dropped; `{"listening":port}` on stdout
 * once up, and exit on SIGTERM once `onStop` is done.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SendFrame {
  type: string;
  clientId: string;
  threadId: string;
  text: string;
}

export function serveRooms(
  port: number,
  onSend: (ws: WebSocket, room: Set<WebSocket>, f: SendFrame) => void,
  onStop: () => void | Promise<void> = () => {},
): void {
  const rooms = new Map<string, Set<WebSocket>>();
  const http = createServer((req, res) => {
    res.writeHead(req.url === '/readyz' ? 200 : 404).end();
  });
  const wss = new WebSocketServer({
    server: http,
    perMessageDeflate: false,
    maxPayload: 16 * 1024,
  });
  wss.on('connection', (ws, req) => {
    const name = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? '';
    let room = rooms.get(name);
    if (!room) rooms.set(name, (room = new Set()));
    room.add(ws);
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as SendFrame;
      if (f.type !== 'ping') onSend(ws, room, f);
    });
    ws.on('close', () => room.delete(ws));
  });
  http.listen(port, '127.0.0.1', () => {
    const addr = http.address() as { port: number };
    process.stdout.write(`${JSON.stringify({ listening: addr.port })}\n`);
  });
  process.on('SIGTERM', () => {
    void Promise.resolve(onStop()).finally(() => process.exit(0));
  });
}
