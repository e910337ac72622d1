import { connect } from 'node:net';

/** Request bodies far over the body limit, for the 413 tests. */

/**
 * A request body sent chunked (no Content-Length), 64 KiB per chunk, far longer than any
 * body limit; `pulled()` tells how much of it the server had taken when it answered.
 */
export function chunkedBody(offeredChunks = 4096) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let pulled = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled === offeredChunks) return controller.close();
      pulled += 1;
      controller.enqueue(chunk);
    },
  });
  return { init: { body, duplex: 'half' } as RequestInit, pulled: () => pulled, offeredChunks };
}

/**
 * POSTs a body that declares `declared` bytes (Content-Length) over a raw socket, writing
 * 1 MiB at a time while the connection stays open; resolves once the server closed it (or
 * after `timeoutMs`) with the status line, whether it asked to close, and the bytes written.
 * With `allowHalfOpen`, the client goes on sending after the server has ended its side.
 */
export function declaredBody(
  url: string,
  path: string,
  declared = 256 * 1024 * 1024,
  timeoutMs = 3_000,
  allowHalfOpen = false,
): Promise<{ status: string; connectionClose: boolean; sent: number; closed: boolean }> {
  const { hostname, port } = new URL(url);
  const chunk = Buffer.alloc(1024 * 1024, 0x20);
  return new Promise((resolve) => {
    const s = connect({ port: Number(port), host: hostname, allowHalfOpen });
    let sent = 0;
    let response = '';
    let closed = false;
    const done = () => {
      clearTimeout(timer);
      s.destroy();
      const [status = ''] = response.split('\r\n');
      resolve({
        status,
        connectionClose: /\r\nconnection: close\r\n/i.test(response),
        sent,
        closed,
      });
    };
    const timer = setTimeout(done, timeoutMs);
    s.on('data', (d: Buffer) => (response += d.toString('latin1')));
    s.on('error', () => {}); // EPIPE/ECONNRESET once the server closed: the close event follows
    s.on('close', () => {
      closed = true;
      done();
    });
    s.write(
      `POST ${path} HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${declared}\r\n\r\n`,
    );
    const pump = () => {
      while (!closed && sent < declared) {
        const n = Math.min(chunk.length, declared - sent);
        sent += n;
        if (!s.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          s.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}
