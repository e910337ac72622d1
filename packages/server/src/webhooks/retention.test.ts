import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createLogger } from '../logger.js';
import type { Receiver } from '../test-support/receiver.js';
import { webhookFixture } from '../test-support/webhook-fixture.js';
import { webhookOptionsFromEnv } from '../cli-keys.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';
import { systemClock } from './clock.js';
import type { EndpointRecord } from '../store/webhooks.js';

const APP = 'app_retention';
let store: SqliteStore;
let rx: Receiver;
let endpoint: EndpointRecord;
let close: () => Promise<void>;

const dispatcher = (o: Partial<DispatcherOptions> = {}) =>
  new Dispatcher({
    store,
    logger: createLogger('silent'),
    allowPrivate: true,
    clock: systemClock,
    random: () => 0.5,
    timeoutMs: 2000,
    ...o,
  });

/** A new thread: one `thread.created` event; returns the thread id. */
const aThread = async () => (await store.createThread(APP, (await store.createContact(APP)).id)).id;
const deliveries = () => store.listDeliveries(APP, endpoint.id, { limit: 1000 });
const count = (table: string) =>
  (store.sqlite.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

beforeEach(async () => {
  ({ store, rx, endpoint, close } = await webhookFixture(APP));
});

afterEach(() => close());

describe('webhook log retention', () => {
  it('deletes finished deliveries with their attempts and delivered events once old, and keeps the rest', async () => {
    const retentionMs = 300;
    const once = dispatcher({ schedule: [0], retentionMs }); // a failure is final (dead)
    // Old: one delivered event, one message.created delivered, one dead-lettered, one pending.
    const thread = await aThread();
    await once.runDue();
    const [message] = await store.appendMessages([
      {
        appId: APP,
        threadId: thread,
        clientId: 'c-1',
        author: { kind: 'visitor' },
        text: 'hi',
        ts: Date.now(),
      },
    ]);
    await once.runDue();
    rx.replies = [{ status: 500 }];
    await aThread();
    await once.runDue();
    rx.replies = [{ status: 500 }];
    await aThread();
    await dispatcher({ schedule: [0, 3600_000] }).runDue(); // next attempt in an hour
    const old = await deliveries();
    expect(old.map((d) => d.status).sort()).toEqual(['dead', 'pending', 'succeeded', 'succeeded']);
    expect(count('webhook_attempts')).toBe(4);

    await new Promise((r) => setTimeout(r, retentionMs + 100));
    await aThread(); // recent
    await once.runDue();
    // A recent event that no delivery refers to (no endpoint was enabled): kept for its age.
    await store.updateEndpoint(APP, endpoint.id, { enabled: false });
    await aThread();
    await store.updateEndpoint(APP, endpoint.id, { enabled: true });

    expect(await once.prune()).toEqual({ deliveries: 3, events: 3 });
    const left = await deliveries();
    expect(left.map((d) => d.status).sort()).toEqual(['pending', 'succeeded']);
    expect(left.find((d) => d.status === 'pending')!.id).toBe(
      old.find((d) => d.status === 'pending')!.id,
    );
    expect(count('webhook_attempts')).toBe(2); // the pending one's and the recent one's
    // The pending and recent deliveries' events and the recent unreferenced one.
    expect(count('outbox')).toBe(3);
    const gone = old.find((d) => d.eventType === 'thread.created' && d.status === 'succeeded')!;
    expect(await store.getDelivery(APP, endpoint.id, gone.id)).toBeNull();

    // Messages are kept: a message.created event can still be replayed; a pruned event cannot.
    expect(message).toMatchObject({ ok: true });
    const id = message!.ok ? message!.message.id : '';
    expect(await store.replay(APP, endpoint.id, { eventId: id }, Date.now())).toBe(1);
    expect(await store.replay(APP, endpoint.id, { eventId: gone.eventId }, Date.now())).toBe(0);
    // A second pass finds nothing more to delete.
    expect(await once.prune()).toEqual({ deliveries: 0, events: 0 });
  });

  it('works through a backlog in bounded steps', async () => {
    const instant = async () => ({
      statusCode: 204,
      retryAfter: undefined,
      excerpt: '',
      error: null,
    });
    const d = dispatcher({ send: instant, concurrency: 64, perEndpoint: 64 });
    for (let i = 0; i < 1200; i++) await aThread();
    await d.runDue();
    expect(count('webhook_deliveries')).toBe(1200);
    const before = Date.now() + 1;
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 600; i++) await aThread();
    await d.runDue();
    // Each step reads at most 500 rows of each table and the last one stops at the first recent
    // row, without reading the 600 recent ones.
    const steps = [];
    let next = await store.pruneWebhookLog(before, 500);
    steps.push(next);
    while (next.next) steps.push((next = await store.pruneWebhookLog(before, 500, next.next)));
    expect(steps.map((s) => s.deliveries)).toEqual([500, 500, 200]);
    expect(steps.map((s) => s.events)).toEqual([500, 500, 200]);
    expect([count('webhook_deliveries'), count('webhook_attempts'), count('outbox')]).toEqual([
      600, 600, 600,
    ]);
  });

  it('keeps everything with a retention of 0, and reads the retention from the environment', async () => {
    await aThread();
    await dispatcher({ retentionMs: 0 }).runDue();
    await new Promise((r) => setTimeout(r, 20));
    expect(await dispatcher({ retentionMs: 0 }).prune()).toEqual({ deliveries: 0, events: 0 });
    expect(count('webhook_deliveries')).toBe(1);

    expect(webhookOptionsFromEnv({ CAUSETTE_WEBHOOK_RETENTION_DAYS: '7' }).retentionMs).toBe(
      7 * 24 * 3600_000,
    );
    expect(webhookOptionsFromEnv({}).retentionMs).toBeUndefined();
    for (const bad of ['-1', 'soon'])
      expect(() => webhookOptionsFromEnv({ CAUSETTE_WEBHOOK_RETENTION_DAYS: bad })).toThrow(
        /CAUSETTE_WEBHOOK_RETENTION_DAYS/,
      );
    // Its neighbours are refused the same way rather than ignored.
    expect(webhookOptionsFromEnv({ CAUSETTE_WEBHOOK_TIMEOUT_MS: '2500' }).timeoutMs).toBe(2500);
    for (const bad of ['0', '1.5', 'fast'])
      expect(() => webhookOptionsFromEnv({ CAUSETTE_WEBHOOK_TIMEOUT_MS: bad })).toThrow(
        /CAUSETTE_WEBHOOK_TIMEOUT_MS/,
      );
    expect(() => webhookOptionsFromEnv({ CAUSETTE_WEBHOOK_SCHEDULE_MS: '0,x' })).toThrow(
      /CAUSETTE_WEBHOOK_SCHEDULE_MS/,
    );
  });
});
