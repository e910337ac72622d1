/**
 * Protocol fuzzing with fast-check against a live server process: random and mutated frames
 * (bad JSON, wrong types, huge strings, deep nesting, unknown types, invalid UTF-8) on live
 * WebSocket connections, and random bodies on REST routes. The server must answer each with a
 * typed `error` frame or a 4xx JSON error carrying a known stable code (never `internal`),
 * or close the socket with a documented code; it must stay up, its stored messages must not
 * change, and its memory must stay bounded.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { join } from 'node:path';
import {
  CLIENT_FRAME_TYPES,
  CloseCode,
  ErrorCode,
  PROTOCOL_VERSION,
  WS_PATH,
  WS_SUBPROTOCOL,
  WS_TOKEN_PREFIX,
  parseServerFrame,
  type ServerFrame,
} from '@causette/shared';
import { TestClient, openSession } from '@causette/server/testing';
import { UNLIMITED, useServerProcesses, type ServerProcess } from '../support/server-process.js';
import { historyChecksum, rssBytes } from './support.js';

const CODES = new Set<string>(Object.values(ErrorCode));
/** Codes a malformed frame may get (never `internal`). */
const FRAME_ERRORS = new Set<string>([
  ErrorCode.BadJson,
  ErrorCode.BadFrame,
  ErrorCode.UnknownType,
  ErrorCode.TooLarge,
]);
/** Close codes the protocol documents for bad input: invalid UTF-8 (1007), too large (1009). */
const BAD_INPUT_CLOSES = new Set([1007, CloseCode.TooLarge, CloseCode.ProtocolError]);
const SEED = Number(process.env.CAUSETTE_SEED ?? 0x5eed);

/** A handshaken socket that can tell when the server has processed a frame (ping/pong). */
class Probe {
  private frames: ServerFrame[] = [];
  private waiters: (() => void)[] = [];
  closed: number | null = null;
  private t = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const parsed = parseServerFrame(data.toString());
      // Everything the server says must itself be a valid, typed frame.
      if (!parsed.ok)
        throw new Error(`server sent an invalid frame: ${data.toString().slice(0, 200)}`);
      this.frames.push(parsed.value);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closed = code;
      this.wake();
    });
    ws.on('error', () => {});
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  static async open(url: string, token: string, hello = true): Promise<Probe> {
    const ws = new WebSocket(
      `${url.replace(/^http/, 'ws')}${WS_PATH}`,
      [WS_SUBPROTOCOL, WS_TOKEN_PREFIX + token],
      {
        perMessageDeflate: false,
      },
    );
    const p = new Probe(ws);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    if (hello) {
      ws.send(JSON.stringify({ type: 'hello', v: PROTOCOL_VERSION }));
      await p.until((f) => f.type === 'welcome');
      p.frames = [];
    }
    return p;
  }

  private async until(pred: (f: ServerFrame) => boolean, timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.frames.some(pred)) {
      if (this.closed !== null) return false;
      if (Date.now() > deadline)
        throw new Error(`no answer; got ${JSON.stringify(this.frames).slice(0, 300)}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
    return true;
  }

  /** Sends `data`, then a ping; resolves with every frame before the pong (or the close). */
  async probe(data: string | Buffer): Promise<{ frames: ServerFrame[]; closed: number | null }> {
    this.frames = [];
    const t = ++this.t;
    this.ws.send(data, { binary: false });
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: 'ping', t }));
    await this.until((f) => f.type === 'pong' && f.t === t);
    const frames = this.frames.filter((f) => !(f.type === 'pong' && f.t === t));
    return { frames, closed: this.closed };
  }

  close(): void {
    this.ws.terminate();
  }
}

// ---- Arbitraries --------------------------------------------------------------------------

const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/);
/** Well-formed frames of every client type (for a visitor who owns no thread). */
const validFrame = fc.oneof(
  fc.record({ type: fc.constant('hello'), v: fc.constant(PROTOCOL_VERSION) }),
  fc.record({
    type: fc.constant('send'),
    threadId: id,
    clientId: id,
    text: fc.string({ maxLength: 50 }),
  }),
  fc.record({ type: fc.constant('threads.list'), ref: id }),
  fc.record({
    type: fc.constant('history'),
    ref: id,
    threadId: id,
    limit: fc.integer({ min: 1, max: 100 }),
  }),
  fc.record({ type: fc.constant('read'), threadId: id, seq: fc.nat() }),
  fc.record({ type: fc.constant('typing'), threadId: id, on: fc.boolean() }),
  fc.record({ type: fc.constant('pong'), t: fc.nat() }),
);
const validText = validFrame.map((f) => JSON.stringify(f));

/** A valid frame with a few random edits: flip, delete, insert, truncate, duplicate. */
const mutated = fc
  .tuple(
    validText,
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 4 }), fc.string({ minLength: 1, maxLength: 3 })), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([s, edits]) => {
    let out = s;
    for (const [pos, op, chars] of edits) {
      const i = out.length === 0 ? 0 : pos % out.length;
      if (op === 0) out = out.slice(0, i) + chars + out.slice(i + 1);
      else if (op === 1) out = out.slice(0, i) + out.slice(i + 1);
      else if (op === 2) out = out.slice(0, i) + chars + out.slice(i);
      else if (op === 3) out = out.slice(0, i);
      else out = out.slice(0, i) + out.slice(i, i + 8) + out.slice(i);
    }
    return out;
  });

const badJson = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '}',
    '{"type":',
    '{"type":"send",}',
    'nul',
    'undefined',
    "{'type':'send'}",
    '[1,2',
    '"\\u12"',
  ),
  fc.string().filter((s) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  }),
);

/** Known types with wrongly typed fields. */
const wrongTypes = fc
  .record({
    type: fc.constantFrom(...CLIENT_FRAME_TYPES.filter((t) => t !== 'ping' && t !== 'pong')),
    threadId: fc.jsonValue(),
    clientId: fc.jsonValue(),
    text: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string())),
    ref: fc.oneof(fc.integer(), fc.constant(null), fc.object()),
    v: fc.oneof(fc.string(), fc.double()),
    seq: fc.oneof(fc.double({ min: -1e9, max: -1 }), fc.string()),
  })
  .map((f) => JSON.stringify(f));

const unknownType = fc
  .record({ type: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), data: fc.jsonValue() })
  .filter((f) => !CLIENT_FRAME_TYPES.includes(f.type as never))
  .map((f) => JSON.stringify(f));

/** Strings past their limits but inside the 16 KiB frame cap. */
const huge = fc.oneof(
  fc
    .integer({ min: 4001, max: 8000 })
    .map((n) =>
      JSON.stringify({ type: 'send', threadId: 'thr', clientId: 'c1', text: 'é'.repeat(n) }),
    ),
  fc
    .integer({ min: 4001, max: 16_000 })
    .map((n) =>
      JSON.stringify({ type: 'send', threadId: 'thr', clientId: 'c1', text: 'x'.repeat(n) }),
    ),
  fc
    .integer({ min: 65, max: 10_000 })
    .map((n) => JSON.stringify({ type: 'thread.open', ref: 'r'.repeat(n) })),
  fc
    .integer({ min: 65, max: 10_000 })
    .map((n) => JSON.stringify({ type: 'read', threadId: 'x'.repeat(n), seq: 1 })),
);

const deep = fc.oneof(
  fc.integer({ min: 50, max: 7000 }).map((d) => '['.repeat(d) + ']'.repeat(d)),
  fc
    .integer({ min: 50, max: 3000 })
    .map((d) => `{"type":"send","metadata":${'{"a":'.repeat(d)}1${'}'.repeat(d)}}`),
);

const anyJson = fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null');

// ---- Setup --------------------------------------------------------------------------------

describe('protocol fuzzing on a live server', () => {
  const processes = useServerProcesses();
  const { dataDir, creds } = processes;
  let server: ServerProcess;
  const threadIds: string[] = [];
  let fuzzToken = '';
  let before = { checksum: '', rest: '', rss: 0 };

  /** Checksum of every stored message, read from the SQLite file (WAL readers do not block). */
  const tableChecksum = () => {
    const db = new Database(join(dataDir, 'causette.db'), { readonly: true });
    try {
      const rows = db
        .prepare(
          'SELECT id, thread_id, seq, client_id, author_kind, text, metadata FROM messages ORDER BY id',
        )
        .all();
      return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
    } finally {
      db.close();
    }
  };
  const pid = () => server.child!.pid!;

  beforeAll(async () => {
    server = await processes.create(UNLIMITED);
    await server.start();
    // Some history to protect: two visitors with a thread each, a few messages.
    for (let v = 0; v < 2; v++) {
      const c = await TestClient.connect(server.url, creds.appId);
      const t = await c.openThread();
      for (let i = 0; i < 5; i++) await c.sendMessage(t.id, `seed-${v}-${i}`, `hello ${i}`);
      threadIds.push(t.id);
      c.close();
    }
    // The fuzzing visitor owns no thread: no fuzzed frame can legitimately store a message.
    fuzzToken = (await openSession(server.url, { appId: creds.appId })).token;
    // Warm up code paths before taking the memory baseline.
    const p = await Probe.open(server.url, fuzzToken);
    for (let i = 0; i < 200; i++)
      await p.probe(JSON.stringify({ type: 'threads.list', ref: `w${i}` }));
    p.close();
    before = {
      checksum: tableChecksum(),
      rest: await historyChecksum(server.url, creds.apiKey, threadIds),
      rss: rssBytes(pid()),
    };
  });

  const checkAnswer = (
    input: string,
    r: { frames: ServerFrame[]; closed: number | null },
    mustError: boolean,
  ) => {
    for (const f of r.frames) {
      if (f.type !== 'error') continue;
      expect(CODES.has(f.code), `unknown code ${f.code} for ${input.slice(0, 80)}`).toBe(true);
      expect(f.code, `internal error for ${input.slice(0, 80)}`).not.toBe(ErrorCode.Internal);
    }
    if (r.closed !== null) {
      expect(BAD_INPUT_CLOSES.has(r.closed), `closed ${r.closed} on ${input.slice(0, 80)}`).toBe(
        true,
      );
      return;
    }
    if (mustError) {
      const codes = r.frames
        .filter((f) => f.type === 'error')
        .map((f) => (f as { code: string }).code);
      expect(codes.length, `no error frame for ${input.slice(0, 80)}`).toBeGreaterThan(0);
      expect(
        codes.every((c) => FRAME_ERRORS.has(c)),
        `codes ${codes} for ${input.slice(0, 80)}`,
      ).toBe(true);
    }
  };

  // One live connection per property, reopened when the server closes it (as it may on
  // invalid UTF-8 or an oversize frame).
  const fuzzFrames = async (
    arb: fc.Arbitrary<string>,
    mustError: boolean,
    numRuns: number,
    hello = true,
  ) => {
    let p = await Probe.open(server.url, fuzzToken, hello);
    try {
      await fc.assert(
        fc.asyncProperty(arb, async (input) => {
          if (p.closed !== null || !hello) {
            p.close();
            p = await Probe.open(server.url, fuzzToken, hello);
          }
          checkAnswer(input, await p.probe(input), mustError);
        }),
        { numRuns, seed: SEED },
      );
    } finally {
      p.close();
    }
  };

  it('answers malformed JSON with bad_json', () => fuzzFrames(badJson, true, 300));
  it('answers known types with wrong field types with bad_frame', () =>
    fuzzFrames(wrongTypes, true, 300));
  it('answers unknown frame types with unknown_type', () => fuzzFrames(unknownType, true, 200));
  it('answers strings past their limits with a typed error', () => fuzzFrames(huge, true, 60));
  it('answers deeply nested JSON with a typed error', () => fuzzFrames(deep, true, 60));
  it('answers random JSON values and mutated valid frames with typed errors or a normal answer', () =>
    fuzzFrames(fc.oneof(anyJson, mutated, validText), false, 1000));
  it('answers anything but hello before the handshake with a typed error', () =>
    fuzzFrames(fc.oneof(mutated, badJson, unknownType), false, 40, false));

  it('closes a socket that sends invalid UTF-8 with 1007, and keeps serving others', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 64 }),
        fc.constantFrom(
          [0xff],
          [0xc3, 0x28],
          [0xe2, 0x28, 0xa1],
          [0xf0, 0x90, 0x28, 0xbc],
          [0xed, 0xa0, 0x80],
        ),
        async (prefix, bad) => {
          const p = await Probe.open(server.url, fuzzToken);
          const body = Buffer.concat([
            Buffer.from('{"type":"send","text":"'),
            Buffer.from(prefix.filter((b) => b < 0x80)),
            Buffer.from(bad),
            Buffer.from('"}'),
          ]);
          const r = await p.probe(body);
          expect(r.closed).toBe(1007);
          p.close();
        },
      ),
      { numRuns: 20, seed: SEED },
    );
  });

  it('closes a socket that sends a frame over 16 KiB with 1009', async () => {
    const p = await Probe.open(server.url, fuzzToken);
    const r = await p.probe(JSON.stringify({ type: 'send', text: 'x'.repeat(20_000) }));
    expect(r.closed).toBe(CloseCode.TooLarge);
  });

  // ---- REST -------------------------------------------------------------------------------

  /** A raw HTTP request (bodies may be invalid UTF-8 or chunked without a length). */
  const http = (
    method: string,
    path: string,
    body: Buffer | string | null,
    headers: Record<string, string> = {},
    chunked = false,
  ) =>
    new Promise<{ status: number; type: string; text: string }>((resolve, reject) => {
      const req = request(
        `${server.url}${path}`,
        { method, headers: { 'content-type': 'application/json', ...headers } },
        (res) => {
          let text = '';
          res.on('data', (d: Buffer) => (text += d.toString()));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              type: String(res.headers['content-type'] ?? ''),
              text,
            }),
          );
        },
      );
      req.on('error', reject);
      if (body !== null && chunked) {
        const b = Buffer.from(body);
        for (let i = 0; i < b.length; i += 64 * 1024) req.write(b.subarray(i, i + 64 * 1024));
      } else if (body !== null) {
        req.setHeader('content-length', Buffer.byteLength(body));
        req.write(body);
      }
      req.end();
    });

  const expectJsonError = (r: { status: number; type: string; text: string }, input: string) => {
    expect(
      r.status >= 400 && r.status < 500,
      `status ${r.status} for ${input.slice(0, 80)}: ${r.text.slice(0, 200)}`,
    ).toBe(true);
    expect(r.type).toContain('application/json');
    const body = JSON.parse(r.text) as { error?: { code?: string; message?: string } };
    expect(CODES.has(body.error?.code ?? ''), `code ${body.error?.code}`).toBe(true);
    expect(typeof body.error?.message).toBe('string');
  };

  const restBody = fc.oneof(badJson, wrongTypes, unknownType, huge, deep, mutated, anyJson);
  const auth = () => ({ authorization: `Bearer ${creds.apiKey}` });

  it('answers random session bodies with a 4xx JSON error (or a session)', async () => {
    await fc.assert(
      fc.asyncProperty(restBody, async (body) => {
        const r = await http('POST', '/v1/session', body);
        if (r.status === 200) return; // a mutation may produce a valid request
        expectJsonError(r, body);
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('answers random message bodies on an agent route with a 4xx JSON error', async () => {
    // A thread that does not exist: a body that happens to be valid gets 404, never a write.
    await fc.assert(
      fc.asyncProperty(restBody, async (body) => {
        expectJsonError(await http('POST', '/v1/threads/thr_nope/messages', body, auth()), body);
      }),
      { numRuns: 150, seed: SEED },
    );
  });

  it('answers random history queries with a 4xx JSON error or a page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ maxLength: 30 }),
        fc.string({ maxLength: 30 }),
        async (after, limit) => {
          const q = `after=${encodeURIComponent(after)}&limit=${encodeURIComponent(limit)}`;
          const r = await http('GET', `/v1/threads/${threadIds[0]}/messages?${q}`, null, auth());
          if (r.status !== 200) expectJsonError(r, q);
        },
      ),
      { numRuns: 100, seed: SEED },
    );
  });

  it('answers invalid UTF-8 and oversized bodies with 4xx JSON errors', async () => {
    for (const bytes of [
      [0xff, 0xfe],
      [0xc3, 0x28],
      [0xed, 0xa0, 0x80],
    ]) {
      const body = Buffer.concat([Buffer.from('{"text":"'), Buffer.from(bytes), Buffer.from('"}')]);
      const r = await http('POST', '/v1/threads/thr_nope/messages', body, auth());
      expectJsonError(r, 'invalid utf-8');
    }
    const big = JSON.stringify({ appId: creds.appId, pad: 'x'.repeat(200_000) });
    expect((await http('POST', '/v1/session', big)).status).toBe(413);
    // Without a Content-Length (chunked), the limit must hold too.
    const r = await http('POST', '/v1/session', 'x'.repeat(2_000_000), {}, true);
    expect(r.status).toBe(413);
    expectJsonError(r, 'chunked 2 MB');
  });

  it('is still up afterwards, with its stored messages unchanged and its memory bounded', async () => {
    expect(server.child?.exitCode).toBeNull();
    expect((await fetch(`${server.url}/readyz`)).ok).toBe(true);
    // A well-behaved visitor still gets through.
    const c = await TestClient.connect(server.url, creds.appId);
    await c.openThread();
    c.close();
    expect(tableChecksum()).toBe(before.checksum);
    expect(await historyChecksum(server.url, creds.apiKey, threadIds)).toBe(before.rest);
    const grown = (rssBytes(pid()) - before.rss) / 2 ** 20;
    expect(grown, `RSS grew ${grown.toFixed(1)} MiB`).toBeLessThan(96);
  });
});
