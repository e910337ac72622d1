import { describe, expect, it } from 'vitest';
import { FakeServer } from './testing/fake-server.js';
import { connected, makeClient, next, settle, setup } from './testing/helpers.js';
import { memoryStorage } from './storage.js';

describe('identity', () => {
  it('getSettings() returns the public app settings', async () => {
    const server = new FakeServer();
    const client = makeClient(server);
    expect(await client.getSettings()).toMatchObject({ appId: 'app1', greeting: 'Hi!' });
  });

  it('keeps the anonymous visitor across page loads through the stored token', async () => {
    const { server, client, storage, thread } = await setup();
    client.disconnect();
    const again = makeClient(server, storage);
    const up = connected(again);
    again.connect();
    await up;
    expect((await again.listThreads()).map((t) => t.id)).toEqual([thread.id]);
    again.disconnect();
  });

  it('identify() upgrades to the user and keeps the anonymous threads (merged)', async () => {
    const { server, client, thread } = await setup();
    thread.send('as anonymous');
    await next(client, 'message:status');
    const back = connected(client);
    await client.identify('jwt-alice');
    await back;
    expect(server.sessions).toContainEqual(expect.objectContaining({ userToken: 'jwt-alice' }));
    expect(server.live!.contactId).toBe('user-alice');
    const threads = await client.listThreads();
    expect(threads.map((t) => t.lastMessage?.text)).toEqual(['as anonymous']);
    client.disconnect();
  });

  it('identify() right after connect() is not undone by the late first session answer', async () => {
    const server = new FakeServer();
    const storage = memoryStorage();
    let open!: () => void;
    server.gate = new Promise((r) => (open = r));
    const client = makeClient(server, storage);
    client.connect(); // its session request hangs
    const up = connected(client);
    await client.identify('jwt-bob');
    await up;
    expect(server.live!.contactId).toBe('user-bob');
    open(); // now the first (anonymous) answer arrives, late
    await settle();
    expect(await storage.get(`causette:${server.appId}:token`)).toBe('tok-user-bob');
    // Later reconnects stay identified.
    const back = connected(client);
    server.drop();
    await back;
    expect(server.live!.contactId).toBe('user-bob');
    client.disconnect();
  });

  it('identify() with a refused token rejects and changes nothing', async () => {
    const { server, client } = await setup();
    const contact = server.live!.contactId;
    await expect(client.identify('forged')).rejects.toMatchObject({
      code: 'invalid_token',
      status: 401,
    });
    expect(server.live!.contactId).toBe(contact);
    client.disconnect();
  });

  it('a refused userToken option is reported and the visitor continues anonymously', async () => {
    const server = new FakeServer();
    const client = makeClient(server, memoryStorage(), { userToken: 'forged' });
    const err = next(client, 'error');
    const up = connected(client);
    client.connect();
    expect((await err).code).toBe('invalid_token');
    await up;
    expect(server.live!.contactId).toMatch(/^anon-/);
    client.disconnect();
  });

  it('a stored token the server refuses is dropped for a fresh anonymous session', async () => {
    const server = new FakeServer();
    const storage = memoryStorage();
    await storage.set(`causette:${server.appId}:token`, 'garbage');
    const client = makeClient(server, storage);
    const up = connected(client);
    client.connect();
    await up;
    expect(server.sessions.map((s) => s.visitorToken)).toEqual(['garbage', undefined]);
    client.disconnect();
  });

  it('a stored token the server no longer accepts does not cost the user token', async () => {
    // E.g. a returning user whose anonymous session expired: still signed in as the user.
    const server = new FakeServer();
    const storage = memoryStorage();
    await storage.set(`causette:${server.appId}:token`, 'garbage');
    const client = makeClient(server, storage, { userToken: 'jwt-carol' });
    const errors: string[] = [];
    client.on('error', (e) => errors.push(e.code));
    const up = connected(client);
    client.connect();
    await up;
    expect(server.sessions.map((r) => [r.visitorToken, r.userToken])).toEqual([
      ['garbage', 'jwt-carol'],
      [undefined, 'jwt-carol'],
    ]);
    expect(server.live!.contactId).toBe('user-carol');
    expect(errors).toEqual([]);
    expect(await storage.get(`causette:${server.appId}:token`)).toBe('tok-user-carol');
    client.disconnect();
  });

  it('identify() goes through when the stored token is no longer accepted', async () => {
    const { server, client, storage } = await setup();
    await storage.set(`causette:${server.appId}:token`, 'garbage');
    const back = connected(client);
    await client.identify('jwt-dan');
    await back;
    expect(server.live!.contactId).toBe('user-dan');
    const asked = server.sessions.map((r) => [r.visitorToken, r.userToken]);
    const at = asked.findIndex(([v]) => v === 'garbage');
    expect(asked.slice(at, at + 2)).toEqual([
      ['garbage', 'jwt-dan'],
      [undefined, 'jwt-dan'],
    ]);
    client.disconnect();
  });

  it('logout() leaves nothing readable: storage, threads and open handles are empty', async () => {
    const { server, client, storage, thread } = await setup();
    server.reply(thread.id, 'private');
    await next(client, 'message');
    client.disconnect();
    thread.send('unsent secret');
    await client.logout();
    expect(await storage.get(`causette:${server.appId}:token`)).toBeUndefined();
    expect(await storage.get(`causette:${server.appId}:outbox`)).toBe('[]');
    expect(thread.messages).toEqual([]);
    expect(thread.info.lastMessage).toBeNull();
    // The next person on this device starts as a new visitor with no threads.
    const next_ = makeClient(server, storage);
    const up = connected(next_);
    next_.connect();
    await up;
    expect(await next_.listThreads()).toEqual([]);
    expect(server.texts(thread.id)).toEqual(['private']);
    next_.disconnect();
  });
});
