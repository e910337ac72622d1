import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { newId } from '@causette/shared';
import type { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { createLogger } from '../logger.js';
import { FakeClock } from '../test-support/fake-clock.js';
import { startReceiver, type Receiver } from '../test-support/receiver.js';
import { webhookFixture } from '../test-support/webhook-fixture.js';
import { Dispatcher, type DispatcherOptions } from './dispatcher.js';
import { STANDARD_SCHEDULE_MS } from './schedule.js';
import { generateSecret } from './signing.js';
import { systemClock } from './clock.js';
import type { EndpointRecord } from '../store/webhooks.js';

const APP = 'app_dispatch';
let store: SqliteStore;
let rx: Receiver;
let clock: FakeClock;
let endpoint: EndpointRecord;
let close: () => Promise<void>;

function dispatcher(o: Partial<DispatcherOptions> = {}) {
  return new Dispatcher({
    store,
    logger: createLogger('silent'),
    allowPrivate: true,
    clock,
    random: () => 0.5, // no jitter unless a test asks for it
    timeoutMs: 2000,
    ...o,
  });
}

/** One outbox event (`thread.created`), as the realtime path writes it. */
async function anEvent(): Promise<string> {
  const contact = await store.createContact(APP);
  return (await store.createThread(APP, contact.id)).id;
}

const deliveries = () => store.listDeliveries(APP, endpoint.id, { limit: 100 });

beforeEach(async () => {
  clock = new FakeClock(Date.now());
  ({ store, rx, endpoint, close } = await webhookFixture(APP, clock.now()));
});

afterEach(() => close());

describe('delivery and signatures', () => {
  it('delivers an outbox event signed so that the standardwebhooks package verifies it', async () => {
    const threadId = await anEvent();
    expect(await dispatcher().runDue()).toBe(1);
    const [req] = rx.received;
    const wh = new Webhook(endpoint.secret);
    const verified = wh.verify(req!.body, req!.headers as Record<string, string>) as {
      type: string;
      data: { thread: { id: string } };
    };
    expect(verified.type).toBe('thread.created');
    expect(verified.data.thread.id).toBe(threadId);
    expect(req!.headers['webhook-id']).toBe((await deliveries())[0]!.eventId);
    expect(() =>
      new Webhook(generateSecret()).verify(req!.body, req!.headers as Record<string, string>),
    ).toThrow();
  });

  it('signs with both secrets during a rotation overlap, and only the new one after it', async () => {
    const old = endpoint.secret;
    const fresh = generateSecret();
    await store.updateEndpoint(APP, endpoint.id, {
      secret: fresh,
      prevSecret: old,
      prevSecretExpiresAt: clock.now() + 60_000,
    });
    await anEvent();
    await dispatcher().runDue();
    const first = rx.received[0]!;
    expect(String(first.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const secret of [old, fresh])
      expect(() =>
        new Webhook(secret).verify(first.body, first.headers as Record<string, string>),
      ).not.toThrow();

    clock.advance(61_000);
    await anEvent();
    await dispatcher().runDue();
    const second = rx.received[1]!;
    expect(String(second.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(() =>
      new Webhook(old).verify(second.body, second.headers as Record<string, string>),
    ).toThrow();
  });

  it('sends only the event types an endpoint subscribed to', async () => {
    await store.updateEndpoint(APP, endpoint.id, { events: ['message.read'] });
    await anEvent(); // thread.created: filtered out
    expect(await dispatcher().runDue()).toBe(0);
    expect(rx.received).toHaveLength(0);
  });
});

describe('retries', () => {
  it('retries a failing receiver on the Standard Webhooks schedule, then dead-letters', async () => {
    rx.fallback = { status: 500, body: 'boom' };
    await anEvent();
    const d = dispatcher();
    expect(await d.runDue()).toBe(1);
    for (let n = 1; n < STANDARD_SCHEDULE_MS.length; n++) {
      const step = STANDARD_SCHEDULE_MS[n]!;
      clock.advance(step - 1);
      expect(await d.runDue()).toBe(0); // not a millisecond early
      clock.advance(1);
      expect(await d.runDue()).toBe(1);
    }
    expect(rx.received).toHaveLength(STANDARD_SCHEDULE_MS.length);
    expect(new Set(rx.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
    const [dead] = await deliveries();
    expect(dead).toMatchObject({ status: 'dead', attempts: 8, lastStatusCode: 500 });
    clock.advance(48 * 3600_000);
    expect(await d.runDue()).toBe(0);
    const detail = await store.getDelivery(APP, endpoint.id, dead!.id);
    expect(detail!.attempts.map((a) => a.statusCode)).toEqual(Array(8).fill(500));
    expect(detail!.attempts[0]!.responseExcerpt).toBe('boom');
    // Spans more than a day, as the spec asks.
    const total = STANDARD_SCHEDULE_MS.reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(24 * 3600_000);
  });

  it('spreads retries with jitter within ±10% of the step', async () => {
    rx.fallback = { status: 503 };
    await anEvent();
    await dispatcher({ random: () => 1 }).runDue();
    expect((await deliveries())[0]!.nextAttemptAt).toBe(clock.now() + 5500);
    clock.advance(5500);
    await dispatcher({ random: () => 0 }).runDue();
    expect((await deliveries())[0]!.nextAttemptAt).toBe(clock.now() + 270_000);
  });

  it('waits at least Retry-After after a 429', async () => {
    rx.replies.push({ status: 429, headers: { 'retry-after': '120' } });
    await anEvent();
    const d = dispatcher();
    await d.runDue();
    clock.advance(5000); // the schedule alone would retry now
    expect(await d.runDue()).toBe(0);
    clock.advance(115_000);
    expect(await d.runDue()).toBe(1);
    expect((await deliveries())[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('gives up on a receiver that does not answer within the timeout, and retries later', async () => {
    rx.replies.push('hang');
    await anEvent();
    const d = dispatcher({ timeoutMs: 150 });
    await d.runDue();
    const [pending] = await deliveries();
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: null });
    expect(pending!.lastError).toMatch(/timeout/);
    clock.advance(5000);
    await d.runDue();
    expect((await deliveries())[0]).toMatchObject({ status: 'succeeded', attempts: 2 });
  });

  it('disables the endpoint on 410 Gone and stops sending to it', async () => {
    rx.fallback = { status: 410 };
    await anEvent();
    const d = dispatcher();
    await d.runDue();
    const ep = await store.getEndpoint(APP, endpoint.id);
    expect(ep).toMatchObject({ enabled: false, disabledReason: 'gone' });
    expect((await deliveries())[0]).toMatchObject({ status: 'dead', lastStatusCode: 410 });
    await anEvent();
    clock.advance(3600_000);
    expect(await d.runDue()).toBe(0);
    expect(rx.received).toHaveLength(1);
  });
});

describe('at least once, never twice after a success', () => {
  it('does not deliver an acknowledged event again, even from a new dispatcher', async () => {
    await anEvent();
    await anEvent();
    await dispatcher().runDue();
    expect(rx.received).toHaveLength(2);
    clock.advance(48 * 3600_000);
    expect(await dispatcher().runDue()).toBe(0);
    expect(rx.received).toHaveLength(2);
  });

  it('redelivers a delivery whose attempt was cut by a crash, with the same webhook-id', async () => {
    await anEvent();
    // A process claims it and dies before recording the outcome.
    await store.fanOut(clock.now(), 100);
    const [job] = await store.claimDue(clock.now(), 10, 20_000);
    const d = dispatcher();
    expect(await d.runDue()).toBe(0); // still leased
    clock.advance(20_000);
    expect(await d.runDue()).toBe(1);
    expect(rx.received[0]!.headers['webhook-id']).toBe(job!.event.id);
  });

  it('replays one event and a time range with the original webhook-id', async () => {
    await anEvent();
    clock.advance(1000);
    await anEvent();
    const d = dispatcher();
    await d.runDue();
    const ids = rx.received.map((r) => r.headers['webhook-id']);
    expect(await store.replay(APP, endpoint.id, { eventId: ids[0] as string }, clock.now())).toBe(
      1,
    );
    await d.runDue();
    expect(rx.received[2]!.headers['webhook-id']).toBe(ids[0]);
    const n = await store.replay(
      APP,
      endpoint.id,
      { since: 0, until: Date.now() + 1 },
      clock.now(),
    );
    expect(n).toBe(2);
    await d.runDue();
    expect(rx.received.slice(3).map((r) => r.headers['webhook-id'])).toEqual(ids);
  });

  it('resumes a dead-lettered delivery on replay', async () => {
    rx.fallback = { status: 500 };
    await anEvent();
    const d = dispatcher({ schedule: [0, 10] });
    await d.runDue();
    clock.advance(10);
    await d.runDue();
    const [dead] = await deliveries();
    expect(dead!.status).toBe('dead');
    rx.fallback = { status: 204 };
    await store.replay(APP, endpoint.id, { eventId: dead!.eventId }, clock.now());
    await d.runDue();
    expect((await deliveries())[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
    const detail = await store.getDelivery(APP, endpoint.id, dead!.id);
    expect(detail!.attempts.map((a) => a.statusCode)).toEqual([500, 500, 204]);
  });
});

describe('replay while a delivery is in flight', () => {
  it('sends the event again once the attempt in flight is recorded', async () => {
    let release!: () => void;
    rx.replies = [{ status: 204, after: new Promise<void>((r) => (release = r)) }];
    await anEvent();
    const d = dispatcher();
    const run = d.runDue();
    const [first] = await rx.waitFor(1);
    const [inFlight] = await deliveries();
    expect(await store.replay(APP, endpoint.id, { eventId: inFlight!.eventId }, clock.now())).toBe(
      1,
    );
    release();
    // The attempt in flight is logged, but it does not overwrite the replay's reset.
    expect(await run).toBe(2);
    expect(rx.received.map((r) => r.headers['webhook-id'])).toEqual([
      first!.headers['webhook-id'],
      first!.headers['webhook-id'],
    ]);
    expect((await deliveries())[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
    const detail = await store.getDelivery(APP, endpoint.id, inFlight!.id);
    expect(detail!.attempts.map((a) => a.statusCode)).toEqual([204, 200]);
  });

  it('leaves a delivery claimed again after its lease ran out to the newer attempt', async () => {
    let release!: () => void;
    rx.replies = [{ status: 500, after: new Promise<void>((r) => (release = r)) }];
    await anEvent();
    const slow = dispatcher({ schedule: [0, 60_000] }).runDue();
    await rx.waitFor(1);
    clock.advance(10_000); // past the lease (timeout 2 s + margin)
    expect(await dispatcher().runDue()).toBe(1); // a second dispatcher re-claims and succeeds
    release();
    await slow;
    // The stale 500 (which would schedule a retry) does not undo the success recorded after it.
    expect((await deliveries())[0]).toMatchObject({ status: 'succeeded', attempts: 1 });
  });
});

describe('endpoints and events over time', () => {
  it('costs nothing while no endpoint is enabled, and a new endpoint gets only new events', async () => {
    await store.updateEndpoint(APP, endpoint.id, { enabled: false });
    await anEvent();
    expect(await store.fanOut(clock.now(), 100)).toBe(0); // no write at all
    await store.updateEndpoint(APP, endpoint.id, { enabled: true });
    const newer = await anEvent();
    await dispatcher().runDue();
    expect(rx.received.map((r) => r.json.data.thread.id)).toEqual([newer]);
  });
});

describe('the timer loop', () => {
  it('keeps delivering to other endpoints while one receiver hangs', async () => {
    const slow = await startReceiver();
    slow.fallback = 'hang';
    await store.createEndpoint({ ...endpoint, id: newId(), url: slow.url });
    for (let i = 0; i < 6; i++) await anEvent();
    const d = dispatcher({ clock: systemClock, concurrency: 4, perEndpoint: 2, timeoutMs: 10_000 });
    d.start();
    await rx.waitFor(6, 3000); // all six reach the healthy receiver...
    expect(slow.received.length).toBeLessThanOrEqual(3); // ...while the slow one holds ~2 slots
    await d.stop();
    await slow.close();
  });

  it('stops promptly, cutting an attempt in flight without counting it', async () => {
    rx.replies.push('hang');
    await anEvent();
    const d = dispatcher({ timeoutMs: 10_000 });
    d.start();
    clock.advance(0);
    await rx.waitFor(1);
    const t0 = Date.now();
    await d.stop();
    expect(Date.now() - t0).toBeLessThan(1000);
    expect((await deliveries())[0]).toMatchObject({ status: 'pending', attempts: 0 });
  });

  it('wakes on the fake clock alone, without real waiting between retries', async () => {
    rx.replies.push({ status: 500 });
    await anEvent();
    const d = dispatcher({ pollMs: 60_000 });
    d.start();
    clock.advance(0);
    await rx.waitFor(1);
    // The retry is due in 5 s of fake time: advancing the clock fires it.
    for (let i = 0; i < 50 && rx.received.length < 2; i++) {
      clock.advance(1000);
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(rx.received).toHaveLength(2);
    await d.stop();
  });
});
