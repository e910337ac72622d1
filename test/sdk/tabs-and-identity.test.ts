import { afterEach, describe, expect, it } from 'vitest';
import { memoryStorage } from '@causette/sdk-web';
import { signIdentityToken } from '@causette/server';
import { allSent, client, connect, next, server, stored } from './support.js';

let cleanup: (() => unknown)[] = [];
afterEach(async () => {
  for (const f of cleanup.reverse()) await f();
  cleanup = [];
});

const jwt = (secret: string, sub: string) =>
  signIdentityToken({ sub, exp: Math.floor(Date.now() / 1000) + 600 }, secret);

/** A client of `s`'s default app on `storage`, connected, and disconnected after the test. */
async function connected(
  s: { url: string; appId: string },
  storage = memoryStorage(),
  userToken?: string,
) {
  const c = client(s.url, s.appId, storage, userToken);
  cleanup.push(() => c.disconnect());
  await connect(c);
  return c;
}

/** A server stopped after the test. */
async function started() {
  const s = await server();
  cleanup.push(() => s.stop());
  return s;
}

describe('sdk against the real server: tabs and identity', () => {
  it('two tabs of the same visitor (shared storage) see the same thread, live', async () => {
    const s = await started();
    const storage = memoryStorage();
    const a = await connected(s, storage);
    const ta = await a.openThread();
    const first = allSent(a, ['from tab A']);
    ta.send('from tab A');
    await first;

    const b = await connected(s, storage);
    expect((await b.listThreads()).map((t) => t.id)).toEqual([ta.id]);
    const tb = await b.openThread(ta.id);
    expect(tb.messages.map((m) => m.text)).toEqual(['from tab A']);

    const onB = next(b, 'message');
    ta.send('A again');
    expect((await onB).message.text).toBe('A again');
    const onA = next(a, 'message');
    tb.send('from tab B');
    expect((await onA).message.text).toBe('from tab B');
    expect(ta.messages.map((m) => m.text)).toEqual(['from tab A', 'A again', 'from tab B']);
    expect(tb.messages.map((m) => m.text)).toEqual(['from tab A', 'A again', 'from tab B']);
  });

  it('identify() merges the anonymous history into the identified user', async () => {
    const s = await started();
    const c = await connected(s);
    const thread = await c.openThread();
    const sent = allSent(c, ['before login']);
    thread.send('before login');
    await sent;

    const back = next(c, 'state', (e) => e.newState === 'connected');
    await c.identify(jwt(s.identitySecret, 'user-42'));
    await back;
    const threads = await c.listThreads();
    expect(threads.map((t) => t.id)).toEqual([thread.id]);
    expect(threads[0]?.lastMessage?.text).toBe('before login');

    // The same user on another device (fresh storage) sees the merged history.
    const other = await connected(s, memoryStorage(), jwt(s.identitySecret, 'user-42'));
    const t = await other.openThread(thread.id);
    expect(t.messages.map((m) => m.text)).toEqual(['before login']);
  });

  it('a forged JWT is refused and the visitor stays who they were', async () => {
    const s = await started();
    const c = await connected(s);
    const thread = await c.openThread();
    await expect(c.identify(jwt('not-the-secret', 'user-42'))).rejects.toMatchObject({
      code: 'invalid_token',
    });
    expect((await c.listThreads()).map((t) => t.id)).toEqual([thread.id]);
  });

  it('a stored token the server no longer accepts does not cost the sign-in', async () => {
    const s = await started();
    // Two stores holding the same anonymous token (a restored browser profile, say).
    const first = memoryStorage();
    const a = await connected(s, first);
    const copy = memoryStorage();
    const key = `causette:${s.appId}:token`;
    await copy.set(key, (await first.get(key))!);
    // The first signs in: its anonymous contact is merged, and the copied token goes stale.
    const back = next(a, 'state', (e) => e.newState === 'connected');
    await a.identify(jwt(s.identitySecret, 'user-7'));
    await back;
    const thread = await a.openThread();

    // The copy signs in as the same user: identified, with no error on the way.
    const b = client(s.url, s.appId, copy, jwt(s.identitySecret, 'user-7'));
    cleanup.push(() => b.disconnect());
    const errors: string[] = [];
    b.on('error', (e) => errors.push(e.code));
    await connect(b);
    expect((await b.listThreads()).map((t) => t.id)).toEqual([thread.id]);
    expect(errors).toEqual([]);
  });

  it('logout() leaves nothing readable for the next person on the device', async () => {
    const s = await started();
    const storage = memoryStorage();
    const c = await connected(s, storage);
    const thread = await c.openThread();
    const sent = allSent(c, ['my address is ...']);
    thread.send('my address is ...');
    await sent;
    await c.logout();
    expect(thread.messages).toEqual([]);
    expect(await storage.get(`causette:${s.appId}:token`)).toBeUndefined();

    const nextPerson = await connected(s, storage);
    expect(await nextPerson.listThreads()).toEqual([]);
    await expect(nextPerson.openThread(thread.id)).rejects.toMatchObject({ code: 'not_found' });
    // The conversation itself is still on the server for the brand.
    expect((await stored(s.url, s.apiKey, thread.id)).map((m) => m.text)).toEqual([
      'my address is ...',
    ]);
  });
});
