/**
 * Lingering close, for a response sent before its request body was read (a 413). With
 * `Connection: close`, Node closes the socket as soon as the response is written; the body the
 * client is still sending then arrives at a closed socket, and the client gets a reset
 * (ECONNRESET / EPIPE) that can come before it has read the response, so it sees a network
 * error instead of the 413. Here the server half-closes instead (the client reads the response
 * and its end), reads and discards what the client still sends, and closes once the client has
 * closed its side, or after LINGER_MS, or once about LINGER_BYTES more have arrived. The bounds
 * keep the reason for closing: the server does not read a 500 MB upload to its end.
 */
import type { IncomingMessage } from 'node:http';

export const LINGER_MS = 2_000;
export const LINGER_BYTES = 4 * 1024 * 1024;
/** How often the bytes read are checked against LINGER_BYTES. */
const METER_MS = 10;

/** Makes the close that follows this request's response a lingering one. */
export function lingerOnClose(req: IncomingMessage): void {
  const socket = req.socket as IncomingMessage['socket'] & { destroySoon?: () => void };
  // Node's server closes a `Connection: close` response's socket with `destroySoon()` (or
  // `end()` where a socket has none); this socket's own takes its place.
  socket.destroySoon = () => {
    // Counted on the socket: Node's parser drops a dumped body without handing it to `req`.
    const start = socket.bytesRead;
    const close = () => {
      clearTimeout(timer);
      clearInterval(meter);
      socket.destroy();
    };
    const timer = setTimeout(close, LINGER_MS);
    const meter = setInterval(() => {
      if (socket.bytesRead - start > LINGER_BYTES) close();
    }, METER_MS);
    socket.once('end', close); // the client has closed its side
    socket.once('close', close);
    req.resume(); // a body read up to the limit was left paused: let the rest flow, unread
    socket.end();
  };
}
