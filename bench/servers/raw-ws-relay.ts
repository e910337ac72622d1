/**
 * Baseline: the fastest honest relay Node can do with `ws`. Parses each JSON frame, forwards
 * it to the peer in its 2-party room and acks the sender. No storage, no validation.
 * Usage: node --import tsx bench/servers/raw-ws-relay.ts <port>
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const port = Number(process.argv[2] ?? 0);
const rooms = new Map<string, Set<WebSocket>>();
const http = createServer((req, res) => {
  res.writeHead(req.url === '/readyz' ? 200 : 404).end();
});
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, maxPayload: 16 * 1024 });
let seq = 0;

wss.on('connection', (ws, req) => {
  const room = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? '';
  let set = rooms.get(room);
  if (!set) rooms.set(room, (set = new Set()));
  set.add(ws);
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString()) as {
      type: string;
      clientId: string;
      threadId: string;
      text: string;
    };
    if (f.type === 'ping') return;
    const id = `m${++seq}`;
    const msg = JSON.stringify({
      type: 'message',
      message: {
        id,
        threadId: f.threadId,
        seq,
        clientId: f.clientId,
        text: f.text,
        ts: Date.now(),
      },
    });
    for (const peer of set) if (peer !== ws) peer.send(msg);
    ws.send(
      JSON.stringify({
        type: 'ack',
        threadId: f.threadId,
        clientId: f.clientId,
        id,
        seq,
        ts: Date.now(),
        duplicate: false,
      }),
    );
  });
  ws.on('close', () => set.delete(ws));
});

http.listen(port, '127.0.0.1', () => {
  const addr = http.address() as { port: number };
  process.stdout.write(`${JSON.stringify({ listening: addr.port })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
