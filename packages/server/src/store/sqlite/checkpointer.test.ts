import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { storeFixture, type StoreFixture } from '../../test-support/store-fixture.js';
import { BACKSTOP_PAGES } from './checkpointer.js';
import { until } from '../../test-support/until.js';

const APP = 'app_ckpt';
let f: StoreFixture | undefined;
afterEach(() => f?.cleanup());

async function appendBatches(fx: StoreFixture, threadId: string, batches: number) {
  for (let b = 0; b < batches; b++) {
    const batch = Array.from({ length: 20 }, (_, i) => ({
      appId: APP,
      threadId,
      clientId: `m-${b}-${i}`,
      author: { kind: 'visitor' as const },
      text: 'x'.repeat(500),
      ts: Date.now(),
    }));
    await fx.store.appendMessages(batch);
  }
}

describe('background checkpoints', () => {
  it('copies committed WAL frames into the database file while the appender only appends', async () => {
    f = await storeFixture([APP], { backgroundCheckpoints: true });
    const { store } = f;
    const file = store.sqlite.name;
    // The appender's own autocheckpoint is only a backstop, far above what this test writes.
    expect(store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
    const t = await store.createThread(APP, (await store.createContact(APP)).id);
    const before = statSync(file).size;
    await appendBatches(f, t.id, 30); // 600 messages of 500 bytes: ~100 pages, far below it
    expect(
      await until(
        () => store.checkpointer!.copied(),
        (n) => n > 0,
        5000,
      ),
    ).toBeGreaterThan(0);
    expect(
      await until(
        () => statSync(file).size,
        (size) => size > before + 100 * 1024,
        5000,
      ),
    ).toBeGreaterThan(before + 100 * 1024);
    expect((await store.history(t.id, { limit: 1000 })).messages).toHaveLength(600);
  });

  it('stops its thread when the store closes: the WAL is removed and stays removed', async () => {
    f = await storeFixture([APP], { backgroundCheckpoints: true });
    const t = await f.store.createThread(APP, (await f.store.createContact(APP)).id);
    await appendBatches(f, t.id, 5);
    await f.store.checkpointer!.copied(); // answered once the thread has its connection open
    const file = f.store.sqlite.name;
    await f.store.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
    // A thread still running would open the file again at its next tick (every 20 ms).
    await new Promise((r) => setTimeout(r, 150));
    expect(existsSync(`${file}-wal`)).toBe(false);
    const again = await f.reopen();
    expect((await again.history(t.id, { limit: 1000 })).messages).toHaveLength(100);
  });

  it('is off unless asked for (short-lived commands keep SQLite’s own checkpoints)', async () => {
    f = await storeFixture([APP]);
    expect(f.store.checkpointer).toBeUndefined();
    expect(f.store.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
  });
});
