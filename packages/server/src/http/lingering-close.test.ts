import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { serverFixture, type Fixture } from '../test-support/fixtures.js';
import { declaredBody } from '../test-support/oversize-body.js';
import { LINGER_BYTES } from './lingering-close.js';

let s: Fixture;
beforeEach(async () => {
  s = await serverFixture();
});
afterEach(async () => {
  await s.cleanup();
});

/**
 * Sends `head`, then `body` a piece every few milliseconds without waiting for an answer, as a
 * client uploading over a slower link does, then ends its side; resolves when the connection
 * is closed, with what was read and any socket error.
 */
function upload(head: string, body: Buffer[]) {
  const { hostname, port } = new URL(s.url);
  return new Promise<{ response: string; error: string | null; ended: boolean }>((resolve) => {
    // Half-open allowed: the server's FIN after its answer does not stop the upload.
    const sock = connect({ port: Number(port), host: hostname, allowHalfOpen: true });
    let response = '';
    let error: string | null = null;
    let ended = false;
    sock.on('data', (d: Buffer) => (response += d.toString('latin1')));
    sock.on('end', () => (ended = true));
    sock.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    sock.on('close', () => resolve({ response, error, ended }));
    sock.write(head);
    const next = (i: number) => {
      if (sock.destroyed) return;
      if (i === body.length) return void sock.end();
      sock.write(body[i]!);
      setTimeout(() => next(i + 1), 5);
    };
    next(0);
  });
}

const chunks = (bytes: number) =>
  Array.from({ length: bytes / 65_536 }, () => Buffer.alloc(65_536, 0x20));

describe('a 413 sent before the body was read', () => {
  it('reaches a client still sending a declared-length body, and the connection ends without a reset', async () => {
    const size = 1024 * 1024;
    expect(size).toBeLessThan(LINGER_BYTES);
    const r = await upload(
      `POST /v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${size}\r\n\r\n`,
      chunks(size),
    );
    expect(r.error).toBeNull();
    expect(r.ended).toBe(true);
    expect(r.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.response).toMatch(/\r\nconnection: close\r\n/i);
    expect(r.response).toContain('"code":"too_large"');
  });

  it('reaches a client still sending a chunked body past the limit', async () => {
    const size = 1024 * 1024;
    const body = chunks(size).map((c) =>
      Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')]),
    );
    body.push(Buffer.from('0\r\n\r\n'));
    const r = await upload(
      'POST /v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n',
      body,
    );
    expect(r.error).toBeNull();
    expect(r.ended).toBe(true);
    expect(r.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(r.response).toContain('"code":"too_large"');
  });

  it('stops reading after LINGER_BYTES of a client that does not stop sending', async () => {
    // 256 MiB declared, sent as fast as the socket takes it, and the client does not stop at
    // the server's FIN: the server closes once it has discarded about LINGER_BYTES. (At
    // LINGER_MS alone, this machine reads well past 32 MiB.)
    const r = await declaredBody(s.url, '/v1/session', 256 * 1024 * 1024, 4_000, true);
    expect(r.status).toBe('HTTP/1.1 413 Payload Too Large');
    expect(r.closed).toBe(true);
    expect(r.sent).toBeLessThan(32 * 1024 * 1024);
  });
});
