import { describe, expect, it } from 'vitest';
import {
  CLIENT_FRAME_TYPES,
  ErrorCode,
  MAX_FRAME_BYTES,
  MAX_TEXT_LENGTH,
  SERVER_FRAME_TYPES,
  newId,
  parseClientFrame,
  parseServerFrame,
  type ClientFrame,
  type ServerFrame,
} from './index.js';

const message = {
  id: newId(),
  threadId: newId(),
  seq: 3,
  clientId: 'c-1',
  author: { kind: 'agent' as const, name: 'Ana', avatarUrl: 'https://example.com/a.png' },
  text: 'hello',
  metadata: { page: '/pricing', n: 2, vip: true, x: null },
  ts: 1_700_000_000_000,
};
const thread = {
  id: message.threadId,
  status: 'open' as const,
  lastSeq: 3,
  visitorReadSeq: 1,
  agentReadSeq: 3,
  unread: 2,
  lastMessage: message,
  createdAt: 1,
  updatedAt: 2,
};

const clientFrames: ClientFrame[] = [
  { type: 'hello', v: 1 },
  { type: 'hello', v: 1, resume: { epoch: 'e1', threads: { [message.threadId]: 7 } } },
  { type: 'send', threadId: 't1', clientId: 'c1', text: 'hi' },
  { type: 'send', threadId: 't1', clientId: 'c1', text: 'hi', metadata: { a: 1 } },
  { type: 'thread.open', ref: 'r1' },
  { type: 'thread.open', ref: 'r1', threadId: 't1' },
  { type: 'threads.list', ref: 'r2' },
  { type: 'history', ref: 'r3', threadId: 't1', beforeSeq: 10, limit: 20 },
  { type: 'history', ref: 'r3', threadId: 't1', afterSeq: 10 },
  { type: 'read', threadId: 't1', seq: 4 },
  { type: 'typing', threadId: 't1', on: true },
  { type: 'ping', t: 5 },
  { type: 'pong', t: 5 },
];

const serverFrames: ServerFrame[] = [
  { type: 'welcome', v: 1, epoch: 'e', contactId: 'c', heartbeatMs: 25000, serverTime: 1 },
  { type: 'ack', threadId: 't', clientId: 'c', id: 'm', seq: 1, ts: 1, duplicate: false },
  { type: 'message', message },
  { type: 'thread', ref: 'r', thread },
  { type: 'thread', thread: { ...thread, lastMessage: null } },
  { type: 'threads', ref: 'r', threads: [thread] },
  { type: 'history', ref: 'r', threadId: 't', messages: [message], hasMore: true },
  { type: 'read', threadId: 't', reader: 'agent', seq: 3 },
  { type: 'typing', threadId: 't', author: { kind: 'agent', name: 'Ana' }, on: true },
  { type: 'reload', threadId: 't', reason: 'epoch_changed', lastSeq: 9 },
  { type: 'resumed', replayed: 4 },
  { type: 'error', code: 'bad_frame', message: 'x', ref: 'r' },
  { type: 'ping', t: 1 },
  { type: 'pong', t: 1 },
];

describe('client frames', () => {
  it.each(clientFrames.map((f) => [f.type, f] as const))('%s round-trips through JSON', (_, f) => {
    const r = parseClientFrame(JSON.stringify(f));
    expect(r).toEqual({ ok: true, value: f });
  });

  it('covers every client frame type', () => {
    expect(new Set(clientFrames.map((f) => f.type))).toEqual(new Set(CLIENT_FRAME_TYPES));
  });

  const malformed: [string, string, ErrorCode][] = [
    ['not JSON', '{"type":', ErrorCode.BadJson],
    ['an array', '[1,2]', ErrorCode.BadFrame],
    ['a string', '"hello"', ErrorCode.BadFrame],
    ['null', 'null', ErrorCode.BadFrame],
    ['no type', '{"v":1}', ErrorCode.UnknownType],
    ['unknown type', '{"type":"drop_tables"}', ErrorCode.UnknownType],
    ['numeric type', '{"type":1}', ErrorCode.UnknownType],
    ['a server-only type', '{"type":"ack"}', ErrorCode.UnknownType],
    ['an Object.prototype name as type', '{"type":"constructor"}', ErrorCode.UnknownType],
    ['__proto__ as type', '{"type":"__proto__"}', ErrorCode.UnknownType],
    ['send without text', '{"type":"send","threadId":"t","clientId":"c"}', ErrorCode.BadFrame],
    [
      "send with an agent reply's client id",
      '{"type":"send","threadId":"t","clientId":"idem_reply-1","text":"x"}',
      ErrorCode.BadFrame,
    ],
    [
      "send with a hashed agent reply's client id",
      '{"type":"send","threadId":"t","clientId":"idemh_abc","text":"x"}',
      ErrorCode.BadFrame,
    ],
    [
      'send with empty text',
      '{"type":"send","threadId":"t","clientId":"c","text":""}',
      ErrorCode.BadFrame,
    ],
    [
      'send with text too long',
      JSON.stringify({
        type: 'send',
        threadId: 't',
        clientId: 'c',
        text: 'x'.repeat(MAX_TEXT_LENGTH + 1),
      }),
      ErrorCode.BadFrame,
    ],
    [
      'send with bad thread id',
      '{"type":"send","threadId":"../etc","clientId":"c","text":"x"}',
      ErrorCode.BadFrame,
    ],
    [
      'send with numeric text',
      '{"type":"send","threadId":"t","clientId":"c","text":5}',
      ErrorCode.BadFrame,
    ],
    [
      'metadata with nested object',
      '{"type":"send","threadId":"t","clientId":"c","text":"x","metadata":{"a":{"b":1}}}',
      ErrorCode.BadFrame,
    ],
    [
      'metadata with too many keys',
      JSON.stringify({
        type: 'send',
        threadId: 't',
        clientId: 'c',
        text: 'x',
        metadata: Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`k${i}`, i])),
      }),
      ErrorCode.BadFrame,
    ],
    ['hello with string version', '{"type":"hello","v":"1"}', ErrorCode.BadFrame],
    [
      'history with limit 0',
      '{"type":"history","ref":"r","threadId":"t","limit":0}',
      ErrorCode.BadFrame,
    ],
    [
      'history with limit 1000',
      '{"type":"history","ref":"r","threadId":"t","limit":1000}',
      ErrorCode.BadFrame,
    ],
    ['read with negative seq', '{"type":"read","threadId":"t","seq":-1}', ErrorCode.BadFrame],
    ['read with fractional seq', '{"type":"read","threadId":"t","seq":1.5}', ErrorCode.BadFrame],
    ['typing with string flag', '{"type":"typing","threadId":"t","on":"yes"}', ErrorCode.BadFrame],
    [
      'oversize frame',
      JSON.stringify({ type: 'ping', pad: 'x'.repeat(MAX_FRAME_BYTES) }),
      ErrorCode.TooLarge,
    ],
    [
      'deep nesting',
      `{"type":"ping","t":${'['.repeat(500)}${']'.repeat(500)}}`,
      ErrorCode.BadFrame,
    ],
  ];
  it.each(malformed)('rejects %s with a typed error', (_, raw, code) => {
    const r = parseClientFrame(raw);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe(code);
      expect(r.message.length).toBeGreaterThan(0);
    }
  });

  it('carries the ref of a failed request so the client can match the error', () => {
    const r = parseClientFrame('{"type":"history","ref":"abc","threadId":"t","limit":0}');
    expect(r).toMatchObject({ ok: false, ref: 'abc' });
    const s = parseClientFrame('{"type":"send","threadId":"t","clientId":"cid","text":""}');
    expect(s).toMatchObject({ ok: false, ref: 'cid' });
  });

  it('strips unknown keys instead of passing them through', () => {
    const r = parseClientFrame('{"type":"ping","t":1,"__proto__":{"x":1},"extra":true}');
    expect(r).toEqual({ ok: true, value: { type: 'ping', t: 1 } });
  });
});

describe('server frames', () => {
  it.each(serverFrames.map((f) => [f.type, f] as const))('%s round-trips through JSON', (_, f) => {
    expect(parseServerFrame(JSON.stringify(f))).toEqual({ ok: true, value: f });
  });

  it('covers every server frame type', () => {
    expect(new Set(serverFrames.map((f) => f.type))).toEqual(new Set(SERVER_FRAME_TYPES));
  });

  it('rejects a message frame with a negative seq', () => {
    const r = parseServerFrame(
      JSON.stringify({ type: 'message', message: { ...message, seq: -1 } }),
    );
    expect(r.ok).toBe(false);
  });
});

describe('ids', () => {
  it('are UUIDv7, unique and time-ordered', () => {
    const a = newId(1000);
    const b = newId(2000);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a < b).toBe(true);
    const many = new Set(Array.from({ length: 1000 }, () => newId()));
    expect(many.size).toBe(1000);
  });
});
