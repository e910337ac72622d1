/** A range replay's cap counts the events the endpoint takes, not the rows it reads past. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '@causette/shared';
import { webhookFixture, type WebhookFixture } from '../test-support/webhook-fixture.js';
import { MAX_REPLAY } from '../store/sqlite/webhooks-rows.js';

const APP = 'app_replay_range';
let f: WebhookFixture;

beforeEach(async () => {
  f = await webhookFixture(APP);
});
afterEach(() => f.close());

/** `n` outbox events of `type` at `at`, written as the store writes them. */
function events(type: string, n: number, at: number): string[] {
  const insert = f.store.sqlite.prepare(
    'INSERT INTO outbox (id, app_id, type, payload, created_at) VALUES (?,?,?,?,?)',
  );
  const ids: string[] = [];
  f.store.sqlite.transaction(() => {
    for (let i = 0; i < n; i++) {
      const id = newId(at);
      insert.run(id, APP, type, '{}', at);
      ids.push(id);
    }
  })();
  return ids;
}

async function takeOnly(types: string[]): Promise<void> {
  await f.store.updateEndpoint(APP, f.endpoint.id, { events: types });
}

const queued = async () =>
  (await f.store.listDeliveries(APP, f.endpoint.id, { limit: 100 })).map((d) => d.eventId);

describe('range replay', () => {
  it('finds the matching events behind more than MAX_REPLAY others', async () => {
    await takeOnly(['thread.updated']);
    events('contact.updated', MAX_REPLAY + 1, 1_000);
    const wanted = events('thread.updated', 3, 2_000);
    const n = await f.store.replay(APP, f.endpoint.id, { since: 0, until: 3_000 }, Date.now());
    expect(n).toBe(3);
    expect((await queued()).sort()).toEqual([...wanted].sort());
  });

  it('queues at most MAX_REPLAY matching events, the oldest first, at one time, in rowid order', async () => {
    await takeOnly(['thread.updated']);
    // One created_at for all: rowid orders them.
    const all = events('thread.updated', MAX_REPLAY + 500, 5_000);
    const n = await f.store.replay(APP, f.endpoint.id, { since: 5_000, until: 5_001 }, Date.now());
    expect(n).toBe(MAX_REPLAY);
    const rows = f.store.sqlite
      .prepare<[string], { event_id: string }>(
        'SELECT event_id FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY rowid',
      )
      .all(f.endpoint.id)
      .map((r) => r.event_id);
    expect(rows).toEqual(all.slice(0, MAX_REPLAY));
  });

  it('keeps to [since, until) and leaves test pings out', async () => {
    await takeOnly(['*']);
    events('thread.updated', 2, 999);
    const inside = events('thread.updated', 2, 1_000);
    events('webhook.test', 1, 1_000); // a test ping is never range-replayed, even with `*`
    events('thread.updated', 2, 2_000);
    const n = await f.store.replay(APP, f.endpoint.id, { since: 1_000, until: 2_000 }, Date.now());
    expect(n).toBe(2);
    expect((await queued()).sort()).toEqual([...inside].sort());
  });
});
