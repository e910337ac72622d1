import { describe, expect, it } from 'vitest';
import { ChatModel } from './model.js';
import { FakeClient } from './testing/fake-client.js';

const tick = () => new Promise((r) => setTimeout(r, 0));

function setup(prepare?: (c: FakeClient) => void) {
  const client = new FakeClient();
  prepare?.(client);
  const announced: string[] = [];
  const store = new Map<string, string>();
  const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: store.set.bind(store) };
  const model = new ChatModel(client, (m) => announced.push(m.text), storage, 'app');
  model.start();
  return { client, model, announced, store };
}

describe('ChatModel', () => {
  it('connects, loads the settings and counts unread messages across threads', async () => {
    const { model } = setup((c) => {
      c.addThread([], 2);
      c.addThread([], 1);
    });
    await tick();
    expect(model.snap.state).toBe('connected');
    expect(model.snap.settings.greeting).toBe('Hi! Ask us anything.');
    expect(model.snap.unread).toBe(3);
  });

  it('opens the latest conversation when the panel opens', async () => {
    const { model, client } = setup((c) => {
      c.addThread();
      c.addThread([
        {
          clientId: null,
          author: { kind: 'agent', name: 'Ana' },
          text: 'hello',
          ts: 1,
          status: 'sent',
        },
      ]);
    });
    await tick();
    model.setOpen(true);
    await tick();
    await tick();
    const latest = [...client.threads.keys()][1];
    expect(model.snap.threadId).toBe(latest);
    expect(model.snap.messages.map((m) => m.text)).toEqual(['hello']);
  });

  it('creates the thread on the first send and shows the message as pending', async () => {
    const { model, client } = setup();
    await tick();
    model.setOpen(true);
    await model.send('  hi there  ');
    await tick();
    expect(client.sent).toEqual([
      { threadId: model.snap.threadId, text: 'hi there', metadata: undefined },
    ]);
    expect(model.snap.messages[0]).toMatchObject({ text: 'hi there', status: 'pending' });
  });

  it('shows an agent reply live, announces it and marks it read while open', async () => {
    const { model, client, announced } = setup();
    await tick();
    model.setOpen(true);
    await model.send('hi');
    client.reply(model.snap.threadId!, 'Hello from Ana');
    await tick();
    expect(model.snap.messages.map((m) => m.text)).toEqual(['hi', 'Hello from Ana']);
    expect(announced).toEqual(['Hello from Ana']);
    expect(model.snap.unread).toBe(0);
  });

  it('counts replies as unread while the panel is closed', async () => {
    const { model, client } = setup();
    await tick();
    model.setOpen(true);
    await model.send('hi');
    model.setOpen(false);
    client.reply(model.snap.threadId!, 'one');
    client.reply(model.snap.threadId!, 'two');
    expect(model.snap.unread).toBe(2);
  });

  it('asks for a thread again on the next send when opening one was refused', async () => {
    const { model, client } = setup();
    await tick();
    model.setOpen(true);
    client.openFailures = 1;
    await expect(model.send('first try')).rejects.toMatchObject({ code: 'rate_limited' });
    expect(client.sent).toEqual([]);
    await model.send('second try');
    await tick();
    expect(client.sent).toEqual([
      { threadId: model.snap.threadId, text: 'second try', metadata: undefined },
    ]);
  });

  it('asks the pre-chat questions once and sends the answers with the first message', async () => {
    const { model, client, store } = setup((c) => {
      c.settings = { preChatForm: { enabled: true, fields: ['name', 'email'] } };
    });
    await tick();
    model.setOpen(true);
    expect(model.snap.view).toBe('prechat');
    model.submitPreChat({ name: 'Zoé', email: 'zoe@example.com' });
    expect(model.snap.view).toBe('thread');
    await model.send('bonjour');
    expect(client.sent[0]!.metadata).toEqual({ name: 'Zoé', email: 'zoe@example.com' });
    expect(store.get('causette.prechat.app')).toContain('Zoé');
  });

  it('shows who is typing and forgets it when their message arrives', async () => {
    const { model, client } = setup();
    await tick();
    model.setOpen(true);
    await model.send('hi');
    const threadId = model.snap.threadId!;
    client.events.emit('typing', { threadId, author: { kind: 'agent', name: 'Ana' }, on: true });
    expect(model.snap.typing).toBe('Ana');
    client.reply(threadId, 'here');
    expect(model.snap.typing).toBeNull();
  });

  it('moves the read mark when the agent reads', async () => {
    const { model, client } = setup();
    await tick();
    model.setOpen(true);
    await model.send('hi');
    client.events.emit('read', { threadId: model.snap.threadId!, reader: 'agent', seq: 4 });
    expect(model.snap.agentReadSeq).toBe(4);
  });

  it('shows a refused message as failed and puts it back in the outbox on retry', async () => {
    const { model, client } = setup();
    await tick();
    model.setOpen(true);
    await model.send('will fail');
    await tick();
    const m = model.snap.messages[0]!;
    const thread = client.threads.get(model.snap.threadId!)!;
    thread.messages[0] = { ...m, status: 'failed', error: { code: 'too_large', message: 'x' } };
    client.events.emit('message:status', { threadId: m.threadId, message: thread.messages[0] });
    await tick();
    expect(model.snap.messages[0]!.status).toBe('failed');
    model.retry(m.clientId!);
    expect(client.retried).toEqual([m.clientId]);
  });

  it("forgets the previous visitor's conversation when the identity changes", async () => {
    const { model, client } = setup();
    await tick();
    model.setOpen(true);
    await model.send('anonymous question');
    await tick();
    client.events.emit('state', {
      oldState: 'connected',
      newState: 'connecting',
      reason: 'identity',
    });
    expect(model.snap.threadId).toBeNull();
    expect(model.snap.messages).toEqual([]);
  });
});
