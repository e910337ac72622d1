import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestClient, openSession } from '../../testing/ws-test-client.js';
import { api, serverFixture, type Fixture } from '../../test-support/fixtures.js';
import { startReceiver, type Receiver } from '../../test-support/receiver.js';

let s: Fixture;
beforeEach(async () => {
  s = await serverFixture({ dbPath: ':memory:', allowPrivateWebhooks: true });
});
afterEach(async () => {
  await s.cleanup();
});

const get = (path: string) => api(s, s.apiKey, 'GET', path);
const patch = (id: string, body: unknown) => api(s, s.apiKey, 'PATCH', `/v1/threads/${id}`, body);

async function visitorWithThread() {
  const c = await TestClient.connect(s.url, s.appId);
  const t = await c.openThread();
  return { c, t };
}

describe('agent replies', () => {
  it('an agent reply posted over REST appears live in the visitor socket and in history', async () => {
    const { c, t } = await visitorWithThread();
    await c.sendMessage(t.id, 'v-1', 'Is anyone there?');
    const r = await api(
      s,
      s.apiKey,
      'POST',
      `/v1/threads/${t.id}/messages`,
      { text: 'Yes! Ana here.', author: { name: 'Ana', avatarUrl: 'https://example.com/ana.png' } },
      { 'idempotency-key': 'reply-1' },
    );
    expect(r.status).toBe(201);
    const live = await c.next('message');
    expect(live.message).toMatchObject({
      text: 'Yes! Ana here.',
      seq: 2,
      author: { kind: 'agent', name: 'Ana', avatarUrl: 'https://example.com/ana.png' },
    });
    const again = await api(
      s,
      s.apiKey,
      'POST',
      `/v1/threads/${t.id}/messages`,
      { text: 'Yes! Ana here.', author: { name: 'Ana' } },
      { 'idempotency-key': 'reply-1' },
    );
    expect(again).toMatchObject({ status: 200, json: { duplicate: true } });
    const h = await get(`/v1/threads/${t.id}/messages`);
    expect(h.json.messages.map((m: { text: string }) => m.text)).toEqual([
      'Is anyone there?',
      'Yes! Ana here.',
    ]);
    const thread = await get(`/v1/threads/${t.id}`);
    expect(thread.json.lastMessage).toMatchObject({ text: 'Yes! Ana here.' });
    c.close();
  });
});

describe('GET /v1/threads', () => {
  it('filters by status, assignee, tag and update time, and pages with a cursor', async () => {
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await visitorWithThread()).t.id);
    await patch(made[0]!, { status: 'closed', tags: ['billing'] });
    await patch(made[1]!, { assignee: 'agent-7', tags: ['billing', 'vip'] });
    await patch(made[2]!, { status: 'snoozed' });

    const ids = async (q: string) =>
      (await get(`/v1/threads${q}`)).json.data.map((t: { id: string }) => t.id).sort();
    expect(await ids('?status=closed')).toEqual([made[0]]);
    expect(await ids('?status=snoozed')).toEqual([made[2]]);
    expect(await ids('?assignee=agent-7')).toEqual([made[1]]);
    expect(await ids('?assignee=none')).toHaveLength(4);
    expect(await ids('?tag=billing')).toEqual([made[0], made[1]].sort());
    expect(await ids('?tag=vip&assignee=agent-7')).toEqual([made[1]]);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect(await ids(`?updatedSince=${encodeURIComponent(future)}`)).toEqual([]);
    expect(await ids('?updatedSince=0')).toHaveLength(5);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: { json: { data: { id: string }[]; nextCursor: string | null } } = await get(
        `/v1/threads?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...r.json.data.map((t) => t.id));
      cursor = r.json.nextCursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...made].sort());
    const asc = (await get('/v1/threads?order=asc')).json.data.map((t: { updatedAt: string }) =>
      Date.parse(t.updatedAt),
    );
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
  });

  it.each([
    ['an unknown status', '?status=pending'],
    ['a zero limit', '?limit=0'],
    ['a limit over the page size', '?limit=1000'],
    ['a malformed cursor', '?cursor=!!'],
    ['a forged cursor', '?cursor=bm90LWpzb24'],
    ['an unreadable time', '?updatedSince=yesterday'],
  ])('rejects %s with validation_failed', async (_, q) => {
    const r = await get(`/v1/threads${q}`);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('validation_failed');
  });
});

describe('PATCH /v1/threads/{id}, close and reopen', () => {
  it('closing a thread shows the visitor the new status live, and reopening it too', async () => {
    const { c, t } = await visitorWithThread();
    const closed = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/close`);
    expect(closed).toMatchObject({ status: 200, json: { id: t.id, status: 'closed' } });
    const live = await c.next('thread', (f) => f.thread.id === t.id && f.thread.status !== 'open');
    expect(live.thread.status).toBe('closed');
    c.take('thread'); // the 'open' broadcast that followed thread.open
    const reopened = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/reopen`);
    expect(reopened.json.status).toBe('open');
    const back = await c.next('thread', (f) => f.thread.id === t.id);
    expect(back.thread.status).toBe('open');
    c.close();
  });

  it("a visitor's message reopens a closed thread, and their other tabs see it live", async () => {
    const { token } = await openSession(s.url, { appId: s.appId });
    const tab1 = await TestClient.connect(s.url, s.appId, { token });
    const tab2 = await TestClient.connect(s.url, s.appId, { token });
    const t = await tab1.openThread();
    await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/close`);
    await tab2.next('thread', (f) => f.thread.id === t.id && f.thread.status === 'closed');
    tab2.take('thread'); // the 'open' broadcast of the thread's creation
    await tab1.sendMessage(t.id, 'reopen-1', 'One more question');
    const back = await tab2.next(
      'thread',
      (f) => f.thread.id === t.id && f.thread.status === 'open',
    );
    expect(back.thread.lastSeq).toBe(1);
    expect((await api(s, s.apiKey, 'GET', `/v1/threads/${t.id}`)).json.status).toBe('open');
    tab1.close();
    tab2.close();
  });

  it('updates assignee and tags, and emits thread.updated with what changed', async () => {
    const rx: Receiver = await startReceiver();
    await api(s, s.apiKey, 'POST', '/v1/webhooks/endpoints', {
      url: rx.url,
      events: ['thread.updated'],
    });
    const { c, t } = await visitorWithThread();
    const r = await patch(t.id, { assignee: 'ana', tags: ['vip', 'vip', 'billing'] });
    expect(r.json).toMatchObject({ assignee: 'ana', tags: ['vip', 'billing'], status: 'open' });
    const [hook] = await rx.waitFor(1);
    expect(hook!.json).toMatchObject({
      type: 'thread.updated',
      data: {
        thread: { id: t.id, assignee: 'ana', tags: ['vip', 'billing'] },
        changes: {
          assignee: { from: null, to: 'ana' },
          tags: { from: [], to: ['vip', 'billing'] },
        },
      },
    });
    // A no-op patch changes nothing and emits nothing.
    await patch(t.id, { assignee: 'ana' });
    const unassigned = await patch(t.id, { assignee: null });
    expect(unassigned.json.assignee).toBeNull();
    await rx.waitFor(2);
    expect(rx.received.map((x) => Object.keys(x.json.data.changes))).toEqual([
      ['assignee', 'tags'],
      ['assignee'],
    ]);
    await rx.close();
    c.close();
  });

  it('a visitor writing into a closed thread reopens it and emits thread.updated', async () => {
    const rx: Receiver = await startReceiver();
    await api(s, s.apiKey, 'POST', '/v1/webhooks/endpoints', {
      url: rx.url,
      events: ['thread.updated'],
    });
    const { c, t } = await visitorWithThread();
    await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/close`);
    await c.sendMessage(t.id, 'v-again', 'Actually, one more question');
    expect((await get(`/v1/threads/${t.id}`)).json.status).toBe('open');
    const got = await rx.waitFor(2);
    expect(got.map((r) => r.json.data.changes.status)).toEqual([
      { from: 'open', to: 'closed' },
      { from: 'closed', to: 'open' },
    ]);
    expect(got[1]!.json.data.thread).toMatchObject({ id: t.id, status: 'open', lastSeq: 1 });
    await rx.close();
    c.close();
  });

  it.each([
    ['an empty patch', {}],
    ['an unknown status', { status: 'done' }],
    ['too many tags', { tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }],
    ['an empty tag', { tags: [''] }],
    ['a numeric assignee', { assignee: 7 }],
  ])('rejects %s with validation_failed', async (_, body) => {
    const { c, t } = await visitorWithThread();
    const r = await patch(t.id, body);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('validation_failed');
    c.close();
  });

  it('answers bad_json to a body that is not JSON', async () => {
    const { c, t } = await visitorWithThread();
    const r = await api(s, s.apiKey, 'PATCH', `/v1/threads/${t.id}`, '{"status":');
    expect(r).toMatchObject({ status: 400, json: { error: { code: 'bad_json' } } });
    c.close();
  });

  it('answers 404 for a thread that does not exist', async () => {
    const r = await patch('nope', { status: 'closed' });
    expect(r).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
  });
});

describe('agent read cursor and typing', () => {
  it('the visitor sees the agent read mark, capped at the last message and never moving back', async () => {
    const { c, t } = await visitorWithThread();
    await c.sendMessage(t.id, 'v-1', 'one');
    await c.sendMessage(t.id, 'v-2', 'two');
    const r = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/read`, { seq: 99 });
    expect(r.json).toEqual({ threadId: t.id, seq: 2 });
    expect(await c.next('read')).toMatchObject({ threadId: t.id, reader: 'agent', seq: 2 });
    const back = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/read`, { seq: 1 });
    expect(back.json.seq).toBe(2);
    expect((await get(`/v1/threads/${t.id}`)).json.agentReadSeq).toBe(2);
    const bad = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/read`, { seq: -1 });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
    c.close();
  });

  it('the visitor sees "agent is typing" with the agent name', async () => {
    const { c, t } = await visitorWithThread();
    const r = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/typing`, {
      on: true,
      author: { name: 'Ana' },
    });
    expect(r.status).toBe(204);
    expect(await c.next('typing')).toMatchObject({
      threadId: t.id,
      on: true,
      author: { kind: 'agent', name: 'Ana' },
    });
    const bad = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/typing`, { on: 'yes' });
    expect(bad).toMatchObject({ status: 400, json: { error: { code: 'validation_failed' } } });
    c.close();
  });
});
