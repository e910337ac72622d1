import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppendResult } from '../store/store.js';
import { storeFixture, type StoreFixture } from '../test-support/store-fixture.js';
import { MAX_GATHER_TURNS, MessageWriter } from './message-writer.js';

const APP = 'app_writer';
let f: StoreFixture;
let writer: MessageWriter;
let threadId: string;
beforeEach(async () => {
  f = await storeFixture([APP]);
  writer = new MessageWriter(f.store);
  const c = await f.store.createContact(APP);
  threadId = (await f.store.createThread(APP, c.id)).id;
});
afterEach(() => f.cleanup());

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const send = (i: number): Promise<AppendResult> =>
  writer.enqueue({
    appId: APP,
    threadId,
    clientId: `w${i}`,
    author: { kind: 'visitor' },
    text: `m${i}`,
    ts: Date.now(),
  });

describe('MessageWriter', () => {
  it('keeps a batch open while messages join it turn after turn', async () => {
    const sent = [send(0)];
    for (let i = 1; i < 6; i++) {
      await turn();
      sent.push(send(i));
    }
    const out = await Promise.all(sent);
    expect(out.map((r) => r.ok && r.message.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(writer.stats).toEqual({ batches: 1, messages: 6, maxBatch: 6 });
  });

  it('commits a lone message after one idle turn', async () => {
    let turns = 0;
    let done = false;
    const acked = send(0).then(() => (done = true));
    while (!done && turns < 100) {
      await turn();
      turns += 1;
    }
    await acked;
    // One turn to see whether more arrive, one in which none did, then the commit.
    expect(turns).toBeLessThanOrEqual(3);
  });

  it(`closes a batch that keeps growing after ${MAX_GATHER_TURNS} turns`, async () => {
    const sent: Promise<AppendResult>[] = [];
    for (let i = 0; i < 3 * MAX_GATHER_TURNS; i++) {
      sent.push(send(i));
      await turn();
    }
    const out = await Promise.all(sent);
    expect(out.every((r) => r.ok && !r.duplicate)).toBe(true);
    expect(writer.stats.messages).toBe(3 * MAX_GATHER_TURNS);
    expect(writer.stats.batches).toBeGreaterThanOrEqual(2);
    expect(writer.stats.maxBatch).toBeLessThanOrEqual(MAX_GATHER_TURNS + 1);
  });

  it('drains an open batch at once on shutdown', async () => {
    const sent = [send(0), send(1)];
    await writer.drain();
    expect(writer.stats).toEqual({ batches: 1, messages: 2, maxBatch: 2 });
    expect((await Promise.all(sent)).map((r) => r.ok && r.message.seq)).toEqual([1, 2]);
    // The gather that was pending finds nothing left to commit.
    for (let i = 0; i < 4; i++) await turn();
    expect(writer.stats.batches).toBe(1);
  });
});
