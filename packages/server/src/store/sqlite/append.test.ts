import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from './sqlite-store.js';
import { storeFixture, type StoreFixture } from '../../test-support/store-fixture.js';

let f: StoreFixture;
let store: SqliteStore;
const APP = 'app_append';
beforeEach(async () => {
  f = await storeFixture([APP, 'app_other']);
  store = f.store;
});
afterEach(() => f.cleanup());

const visitorSays = (threadId: string, clientId: string, appId = APP) =>
  store.appendMessages([
    { appId, threadId, clientId, author: { kind: 'visitor' }, text: clientId, ts: Date.now() },
  ]);

describe('append', () => {
  it('reopens a thread the back office closed after the appender last saw it', async () => {
    const c = await store.createContact(APP);
    const t = await store.createThread(APP, c.id);
    expect((await visitorSays(t.id, 'a'))[0]).toMatchObject({ ok: true });
    await store.updateThread(APP, t.id, { status: 'closed' });
    const [r] = await visitorSays(t.id, 'b');
    expect(r).toMatchObject({ ok: true, reopened: true, message: { seq: 2 } });
    expect((await store.getThread(APP, t.id))!.status).toBe('open');
    const events = store.sqlite
      .prepare("SELECT payload FROM outbox WHERE type = 'thread.updated' ORDER BY rowid")
      .all() as { payload: string }[];
    expect(JSON.parse(events.at(-1)!.payload)).toMatchObject({
      thread: { id: t.id, status: 'open', lastSeq: 2 },
      changes: { status: { from: 'closed', to: 'open' } },
    });
  });

  it("refuses another app's thread even once the thread is remembered", async () => {
    const c = await store.createContact(APP);
    const t = await store.createThread(APP, c.id);
    await visitorSays(t.id, 'a');
    expect((await visitorSays(t.id, 'b', 'app_other'))[0]).toMatchObject({
      ok: false,
      code: 'not_found',
    });
    expect((await store.history(t.id, { limit: 10 })).messages).toHaveLength(1);
  });

  it('continues the seq of each thread across batches and a restart', async () => {
    const c = await store.createContact(APP);
    const t = await store.createThread(APP, c.id);
    await visitorSays(t.id, 'a');
    await visitorSays(t.id, 'b');
    store = await f.reopen();
    expect((await visitorSays(t.id, 'c'))[0]).toMatchObject({ ok: true, message: { seq: 3 } });
    expect((await visitorSays(t.id, 'a'))[0]).toMatchObject({
      ok: true,
      duplicate: true,
      message: { seq: 1 },
    });
  });
});
