import { describe, expect, it } from 'vitest';
import { blank, viewOf, type ThreadModel } from './thread-model.js';
import type { LocalMessage } from './types.js';

const msg = (clientId: string, extra: Partial<LocalMessage> = {}): LocalMessage => ({
  clientId,
  threadId: 't1',
  author: { kind: 'visitor' },
  text: clientId,
  ts: 1,
  status: 'pending',
  ...extra,
});

describe('thread view', () => {
  it('shows stored messages in seq order, then unsent ones of this thread', () => {
    const t = { id: 't1', ...blank() } as unknown as ThreadModel;
    t.bySeq.set(2, msg('b', { id: 'm2', seq: 2, status: 'sent' }));
    t.bySeq.set(1, msg('a', { id: 'm1', seq: 1, status: 'sent' }));
    const view = viewOf(t, [msg('c'), msg('x', { threadId: 'other' })]);
    expect(view.map((m) => m.clientId)).toEqual(['a', 'b', 'c']);
  });

  it('shows a message once when it is both stored and still in a shared outbox', () => {
    // Another tab sent it; the outbox entry it left in shared storage is not removed yet.
    const t = { id: 't1', ...blank() } as unknown as ThreadModel;
    t.bySeq.set(1, msg('a', { id: 'm1', seq: 1, status: 'sent' }));
    const view = viewOf(t, [msg('a')]);
    expect(view).toHaveLength(1);
    expect(view[0]).toMatchObject({ clientId: 'a', status: 'sent' });
  });
});
