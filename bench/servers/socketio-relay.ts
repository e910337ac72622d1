/**
 * Socket.IO baseline: what most teams would pick instead. Default server options except the
 * transport (WebSocket only, no long-polling); no persistence. A `send` event is relayed to
 * the other member of the 2-party room and acknowledged with Socket.IO's ack callback.
 * Usage: node --import tsx bench/servers/socketio-relay.ts <port>
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

interface SendEvent {
  threadId: string;
  clientId: string;
  text: string;
}

const port = Number(process.argv[2] ?? 0);
const http = createServer((req, res) => {
  res.writeHead(req.url === '/readyz' ? 200 : 404).end();
});
const io = new Server(http, { transports: ['websocket'] });
let seq = 0;

io.on('connection', (socket) => {
  const room = String(socket.handshake.query.room ?? '');
  void socket.join(room);
  socket.on('send', (f: SendEvent, ack?: (a: unknown) => void) => {
    const id = `m${++seq}`;
    const ts = Date.now();
    socket
      .to(room)
      .emit('message', { id, threadId: f.threadId, seq, clientId: f.clientId, text: f.text, ts });
    ack?.({ threadId: f.threadId, clientId: f.clientId, id, seq, ts, duplicate: false });
  });
});

http.listen(port, '127.0.0.1', () => {
  const addr = http.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ listening: addr.port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
