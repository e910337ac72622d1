/**
 * Baseline: the fastest honest relay Node can do with `ws`. Parses each JSON frame, forwards
 * it to the peer in its 2-party room and acks the sender. No storage, no validation.
 * Usage: node bench/servers/dist/raw-ws-relay.js <port>
 */
import { serveRooms } from './ws-rooms.js';

let seq = 0;

serveRooms(Number(process.argv[2] ?? 0), (ws, room, f) => {
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
  for (const peer of room) if (peer !== ws) peer.send(msg);
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
