import { describe, expect, it } from 'vitest';
import { parseServerFrame, type Message } from '@causette/shared';
import { ackJson, messageFrameJson } from './frame-json.js';

const base: Message = {
  id: '01a2256d-f14f-710a-83ec-000000000001',
  threadId: '01a2256d-f14f-710a-83ec-000000000002',
  seq: 42,
  clientId: 'c-1',
  author: { kind: 'visitor', id: 'ct_1' },
  text: 'hello',
  ts: 1795926064950,
};

describe('hand-written frame JSON', () => {
  it.each<[string, Message]>([
    ['a plain visitor message', base],
    ['no client id', { ...base, clientId: null }],
    [
      'an agent with name and avatar',
      { ...base, author: { kind: 'agent', name: 'Ana "A"', avatarUrl: 'https://x/a.png' } },
    ],
    [
      'text that needs escaping',
      { ...base, text: 'quote " backslash \\ newline \n tab \t </script> \u2028 é 😀 \u0000' },
    ],
    ['metadata', { ...base, metadata: { order: 'A-1', n: 1.5, ok: true, none: null, quote: '"' } }],
    [
      'ids and an author id that need escaping (never accepted on the wire, still valid JSON)',
      {
        ...base,
        id: 'm"1\\',
        threadId: 't\n1',
        clientId: 'c</script>',
        author: { kind: 'visitor', id: 'ct "x"' },
      },
    ],
    [
      'an author with every field',
      {
        ...base,
        author: {
          kind: 'bot',
          id: 'bot_1',
          name: 'Bé\u2028',
          avatarUrl: 'https://x/b.png?a=1&b="2"',
        },
      },
    ],
  ])('writes %s as a frame that parses back to the same message', (_, message) => {
    const text = messageFrameJson(message);
    expect(JSON.parse(text)).toEqual({ type: 'message', message });
    const parsed = parseServerFrame(text);
    expect(parsed.ok && parsed.value).toEqual({ type: 'message', message });
  });

  it.each([false, true])('writes an ack (duplicate: %s)', (duplicate) => {
    const ack = {
      threadId: base.threadId,
      clientId: 'c-"1"',
      id: base.id,
      seq: 7,
      ts: 1,
      duplicate,
    };
    const text = ackJson(ack);
    expect(JSON.parse(text)).toEqual({ type: 'ack', ...ack });
    expect(text).toBe(JSON.stringify({ type: 'ack', ...ack }));
  });
});
