import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { RESUME_REPLAY_CAP } from '@causette/shared';
import { TestClient, openSession } from '../testing/ws-test-client.js';
import { api, serverFixture, type Fixture } from '../test-support/fixtures.js';

let s: Fixture;
beforeEach(async () => {
  s = await serverFixture();
});
afterEach(async () => {
  await s.cleanup();
});

describe('exactly-once sends', () => {
  it('a resend with the same client id returns the original ack and stores one message', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    const first = await c.sendMessage(t.id, 'cid-1', 'hello');
    const again = await c.sendMessage(t.id, 'cid-1', 'hello');
    expect(first.duplicate).toBe(false);
    expect(again).toMatchObject({ id: first.id, seq: first.seq, duplicate: true });
    const h = await api(s, s.apiKey, 'GET', `/v1/threads/${t.id}/messages`);
    expect(h.json.messages.map((m: { clientId: string }) => m.clientId)).toEqual(['cid-1']);
    c.close();
  });

  it('a resend after reconnecting still returns the original ack', async () => {
    const session = await openSession(s.url, { appId: s.appId });
    const a = await TestClient.connect(s.url, s.appId, { token: session.token });
    const t = await a.openThread();
    const ack = await a.sendMessage(t.id, 'cid-x', 'once');
    a.close();
    const b = await TestClient.connect(s.url, s.appId, { token: session.token });
    const again = await b.sendMessage(t.id, 'cid-x', 'once');
    expect(again).toMatchObject({ id: ack.id, seq: ack.seq, duplicate: true });
    b.close();
  });

  it('the same client id in two different threads is two messages', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const t1 = await c.openThread();
    const t2 = await c.openThread();
    const a = await c.sendMessage(t1.id, 'same', 'x');
    const b = await c.sendMessage(t2.id, 'same', 'y');
    expect(a.id).not.toBe(b.id);
    expect(b.duplicate).toBe(false);
    c.close();
  });
});

describe('durable, group-committed acks', () => {
  it('an acked message is readable by an independent database connection', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    const ack = await c.sendMessage(t.id, 'durable-1', 'persist me');
    const db = new Database(join(s.dataDir, 'causette.db'), { readonly: true });
    const row = db.prepare('SELECT text, seq FROM messages WHERE id = ?').get(ack.id);
    db.close();
    expect(row).toEqual({ text: 'persist me', seq: ack.seq });
    c.close();
  });

  it('messages arriving together are committed in one transaction, not one each', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    const before = { ...s.writer.stats };
    for (let i = 0; i < 30; i++)
      c.send({ type: 'send', threadId: t.id, clientId: `g-${i}`, text: `m${i}` });
    for (let i = 0; i < 30; i++) await c.next('ack', (a) => a.clientId === `g-${i}`);
    const batches = s.writer.stats.batches - before.batches;
    expect(s.writer.stats.messages - before.messages).toBe(30);
    expect(batches).toBeLessThan(30);
    expect(s.writer.stats.maxBatch).toBeGreaterThan(1);
    c.close();
  });

  it('is configured with WAL and synchronous=FULL', () => {
    const db = new Database(join(s.dataDir, 'causette.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
    const store = s.store as unknown as { sqlite: Database.Database };
    expect(store.sqlite.pragma('synchronous', { simple: true })).toBe(2); // FULL
  });
});

describe('ordered, gap-free history', () => {
  it('assigns contiguous seqs per thread, in send order', async () => {
    const c = await TestClient.connect(s.url, s.appId);
    const t = await c.openThread();
    const acks = [];
    for (let i = 0; i < 20; i++)
      c.send({ type: 'send', threadId: t.id, clientId: `o-${i}`, text: `${i}` });
    for (let i = 0; i < 20; i++) acks.push(await c.next('ack', (a) => a.clientId === `o-${i}`));
    expect(acks.map((a) => a.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    c.close();
  });

  it('delivers an agent reply live to every socket of the visitor', async () => {
    const session = await openSession(s.url, { appId: s.appId });
    const tab1 = await TestClient.connect(s.url, s.appId, { token: session.token });
    const tab2 = await TestClient.connect(s.url, s.appId, { token: session.token });
    const t = await tab1.openThread();
    const r = await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/messages`, {
      text: 'Hi, Ana here',
      author: { name: 'Ana' },
    });
    expect(r.status).toBe(201);
    for (const tab of [tab1, tab2]) {
      const m = await tab.next('message');
      expect(m.message).toMatchObject({
        text: 'Hi, Ana here',
        author: { kind: 'agent', name: 'Ana' },
        seq: 1,
      });
    }
    // A visitor message reaches the other tab; the sender gets the ack.
    await tab1.sendMessage(t.id, 'v-1', 'from tab 1');
    expect((await tab2.next('message')).message).toMatchObject({ text: 'from tab 1', seq: 2 });
    tab1.close();
    tab2.close();
  });

  it('replays every missed message in order before live ones on resume', async () => {
    const session = await openSession(s.url, { appId: s.appId });
    const a = await TestClient.connect(s.url, s.appId, { token: session.token });
    const t = await a.openThread();
    await a.sendMessage(t.id, 'r-1', 'one');
    const epoch = a.welcome!.epoch;
    a.close();
    await a.waitClosed();
    for (let i = 0; i < 5; i++) {
      await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/messages`, { text: `missed ${i}` });
    }
    const b = await TestClient.open(s.url, session.token);
    b.send({ type: 'hello', v: 1, resume: { epoch, threads: { [t.id]: 1 } } });
    await b.next('welcome');
    await b.next('resumed');
    const replayed = b.take('message').map((f) => f.message.seq);
    expect(replayed).toEqual([2, 3, 4, 5, 6]);
    await api(s, s.apiKey, 'POST', `/v1/threads/${t.id}/messages`, { text: 'live' });
    expect((await b.next('message')).message).toMatchObject({ seq: 7, text: 'live' });
    b.close();
  });

  it('tells a client too far behind to reload the thread instead of replaying', async () => {
    const session = await openSession(s.url, { appId: s.appId });
    const a = await TestClient.connect(s.url, s.appId, { token: session.token });
    const t = await a.openThread();
    const inputs = Array.from({ length: RESUME_REPLAY_CAP + 5 }, (_, i) => ({
      appId: s.appId,
      threadId: t.id,
      clientId: null,
      author: { kind: 'bot' as const },
      text: `bulk ${i}`,
      ts: Date.now(),
    }));
    await s.store.appendMessages(inputs);
    a.close();
    const b = await TestClient.open(s.url, session.token);
    b.send({ type: 'hello', v: 1, resume: { epoch: a.welcome!.epoch, threads: { [t.id]: 0 } } });
    await b.next('resumed');
    expect(await b.next('reload')).toMatchObject({
      threadId: t.id,
      reason: 'too_far_behind',
      lastSeq: RESUME_REPLAY_CAP + 5,
    });
    expect(b.take('message')).toEqual([]);
    b.close();
  });

  it('detects a replaced database by its epoch', async () => {
    const session = await openSession(s.url, { appId: s.appId });
    const a = await TestClient.connect(s.url, s.appId, { token: session.token });
    const t = await a.openThread();
    await a.sendMessage(t.id, 'e-1', 'x');
    a.close();
    const b = await TestClient.open(s.url, session.token);
    b.send({
      type: 'hello',
      v: 1,
      resume: { epoch: 'some-other-database', threads: { [t.id]: 1 } },
    });
    expect(await b.next('reload')).toMatchObject({
      threadId: t.id,
      reason: 'epoch_changed',
      lastSeq: 1,
    });
    b.close();
  });

  it('detects a database restored from a backup (same epoch) by a seq it never assigned', async () => {
    const session = await openSession(s.url, { appId: s.appId });
    const a = await TestClient.connect(s.url, s.appId, { token: session.token });
    const t = await a.openThread();
    await a.sendMessage(t.id, 'r-1', 'kept');
    await a.sendMessage(t.id, 'r-2', 'kept too');
    a.close();
    // The client saw seqs up to 5 before the restore; this database only has 2.
    const b = await TestClient.open(s.url, session.token);
    b.send({ type: 'hello', v: 1, resume: { epoch: a.welcome!.epoch, threads: { [t.id]: 5 } } });
    expect(await b.next('reload')).toMatchObject({
      threadId: t.id,
      reason: 'epoch_changed',
      lastSeq: 2,
    });
    await b.next('resumed');
    // A client level with the database resumes as usual.
    const c = await TestClient.connect(s.url, s.appId, {
      token: session.token,
      resume: { epoch: a.welcome!.epoch, threads: { [t.id]: 2 } },
    });
    expect(c.take('reload')).toEqual([]);
    b.close();
    c.close();
  });
});
