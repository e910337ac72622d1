/**
 * Delivers the outbox to webhook endpoints, at least once. Each pass fans new outbox events
 * out into per-endpoint deliveries, then sends every due delivery (leased in SQLite, so a
 * crash only delays it) and records the attempt and the next state in one transaction.
 * Timers only decide WHEN to look again; WHAT is due is always read from the database.
 * @example
 * const d = new Dispatcher({ store, logger, allowPrivate: false });
 * d.start(); // ... d.wake() after a change ... await d.stop();
 */
import { setMaxListeners } from 'node:events';
import type { Logger } from '../logger.js';
import type { AttemptOutcome, DeliveryJob, PruneCursor, WebhookStore } from '../store/webhooks.js';
import { systemClock, type Clock } from './clock.js';
import { httpSend, type SendFn } from './sender.js';
import { parseRetryAfter, retryDelay, STANDARD_SCHEDULE_MS } from './schedule.js';
import { signatureHeader } from './signing.js';
import { loadSodium, type Sodium } from '../auth/sodium.js';

export interface DispatcherOptions {
  store: WebhookStore;
  logger: Logger;
  /** Allow endpoints on private/loopback addresses (tests, local development). */
  allowPrivate: boolean;
  clock?: Clock;
  /** Delays before each attempt; the first is normally 0. Default: Standard Webhooks. */
  schedule?: readonly number[];
  /** ± fraction applied to each delay (default 0.1). */
  jitter?: number;
  random?: () => number;
  /** Per-attempt timeout (default 15 s). */
  timeoutMs?: number;
  /** Attempts in flight at once (default 16). */
  concurrency?: number;
  /** Attempts in flight per endpoint (default 8): a slow receiver cannot hold every slot. */
  perEndpoint?: number;
  /** Longest pause between two looks at the outbox (default 1 s). */
  pollMs?: number;
  /**
   * Finished deliveries with their attempts, and delivered events, are deleted once older than
   * this (default 30 days; 0 keeps them forever). Checked a minute after start, then hourly.
   */
  retentionMs?: number;
  send?: SendFn;
}

/** The JSON body of every webhook: Standard Webhooks' `{ type, timestamp, data }`. */
export function webhookBody(event: { type: string; createdAt: number; payload: unknown }): string {
  return JSON.stringify({
    type: event.type,
    timestamp: new Date(event.createdAt).toISOString(),
    data: event.payload,
  });
}

const WAKE_COALESCE_MS = 5;

export const DEFAULT_RETENTION_MS = 30 * 24 * 3600_000;
const PRUNE_FIRST_MS = 60_000;
const PRUNE_EVERY_MS = 3600_000;
/** Rows of each table read per retention step (one short transaction each). */
const PRUNE_STEP = 500;

/** Longest a `Retry-After` can push an attempt back (the schedule's longest step). */
const maxStep = (schedule: readonly number[]) => Math.max(...schedule, 1000);

export class Dispatcher {
  private readonly store: WebhookStore;
  private readonly clock: Clock;
  private readonly schedule: readonly number[];
  private readonly jitter: number;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private readonly concurrency: number;
  private readonly perEndpoint: number;
  private readonly pollMs: number;
  private readonly retentionMs: number;
  private readonly send: SendFn;
  private pruneTimer: unknown = undefined;
  private timer: unknown = undefined;
  private timerAt = Infinity;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;
  private aborter = new AbortController();
  /** Set by stop(): no new attempt starts. */
  private halted = false;
  /** Attempts in flight, and how many per endpoint. */
  private readonly inflight = new Set<Promise<void>>();
  private readonly perEndpointInflight = new Map<string, number>();
  /** Outcomes waiting for the next grouped commit. */
  private toRecord: { outcome: AttemptOutcome; done: () => void; fail: (e: unknown) => void }[] =
    [];
  /** For v1a (Ed25519) endpoints. */
  private sodium: Sodium | null = null;
  /** Attempts made by this process, for tests and metrics. */
  readonly stats = { attempts: 0, succeeded: 0, failed: 0, dead: 0 };

  constructor(private readonly opts: DispatcherOptions) {
    this.store = opts.store;
    this.clock = opts.clock ?? systemClock;
    this.schedule = opts.schedule ?? STANDARD_SCHEDULE_MS;
    this.jitter = opts.jitter ?? 0.1;
    this.random = opts.random ?? Math.random;
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.concurrency = opts.concurrency ?? 16;
    this.perEndpoint = opts.perEndpoint ?? 8;
    this.pollMs = opts.pollMs ?? 1000;
    this.retentionMs = opts.retentionMs ?? DEFAULT_RETENTION_MS;
    this.send = opts.send ?? httpSend;
  }

  /** Start the loop: anything already due (e.g. pending before a restart) goes out now. */
  start(): void {
    this.stopped = false;
    this.halted = false;
    this.aborter = new AbortController();
    setMaxListeners(0, this.aborter.signal); // one listener per attempt in flight
    this.arm(0);
    if (this.retentionMs > 0) this.armPrune(PRUNE_FIRST_MS);
  }

  /**
   * Delete what the retention no longer keeps (WebhookStore.pruneWebhookLog), in short steps
   * with the event loop free between them. Returns what it deleted.
   */
  async prune(): Promise<{ deliveries: number; events: number }> {
    const total = { deliveries: 0, events: 0 };
    if (this.retentionMs <= 0) return total;
    const before = this.clock.now() - this.retentionMs;
    let from: PruneCursor | undefined;
    do {
      const r = await this.store.pruneWebhookLog(before, PRUNE_STEP, from);
      total.deliveries += r.deliveries;
      total.events += r.events;
      from = r.next ?? undefined;
      if (from) await new Promise((res) => setImmediate(res));
    } while (from && !this.halted);
    return total;
  }

  private armPrune(ms: number): void {
    this.pruneTimer = this.clock.setTimeout(() => {
      this.prune()
        .then(
          (n) => {
            if (n.deliveries + n.events > 0) this.opts.logger.info(n, 'webhook log pruned');
          },
          (err: unknown) => this.opts.logger.error({ err }, 'webhook log pruning failed'),
        )
        .finally(() => {
          if (!this.stopped) this.armPrune(PRUNE_EVERY_MS);
        });
    }, ms);
  }

  /** Something changed (new event, replay, endpoint re-enabled): look again soon. */
  wake(): void {
    if (this.stopped) return;
    // A few ms of coalescing: a burst of messages costs one pass, not one pass each.
    if (this.running) this.again = true;
    else this.arm(WAKE_COALESCE_MS);
  }

  /**
   * Stop the loop; attempts in flight are cut and not counted (their lease expires and they
   * are retried by the next process). Pending deliveries stay in the database.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halted = true;
    this.disarm();
    if (this.pruneTimer !== undefined) this.clock.clearTimeout(this.pruneTimer);
    this.pruneTimer = undefined;
    this.aborter.abort();
    await this.running;
    await Promise.allSettled([...this.inflight]);
  }

  private arm(ms: number): void {
    const at = this.clock.now() + ms;
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.disarm();
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.tick();
    }, ms);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.running) return;
    this.again = false;
    let failed = false;
    this.running = this.pump().then(
      () => undefined,
      (err: unknown) => {
        failed = true;
        this.opts.logger.error({ err }, 'webhook dispatch pass failed');
      },
    );
    await this.running;
    this.running = null;
    if (this.stopped) return;
    if (failed) return this.arm(this.pollMs); // e.g. database busy: retry later, never spin
    if (this.again) return this.arm(WAKE_COALESCE_MS);
    const next = await this.store.nextDueAt().catch(() => null);
    let wait = next === null ? this.pollMs : Math.max(0, next - this.clock.now());
    // Due now but every slot taken: each finishing attempt wakes the loop, no need to spin.
    if (wait === 0 && this.inflight.size > 0) wait = this.pollMs;
    this.arm(Math.min(wait, this.pollMs));
  }

  /**
   * Fan out new outbox events, then start due deliveries up to the free slots (global and per
   * endpoint). Does not wait for the attempts: each one wakes the loop when it is recorded, so
   * a receiver that hangs until its timeout never holds back the others. Returns how many
   * attempts it started.
   */
  private async pump(): Promise<number> {
    this.sodium ??= await loadSodium();
    while ((await this.store.fanOut(this.clock.now(), 500)) > 0) {
      /* fan out everything first */
    }
    let started = 0;
    // The lease outlives an attempt (timeout + margin): a crash mid-attempt only delays it.
    const lease = this.timeoutMs + Math.min(this.timeoutMs, 5000);
    while (!this.halted) {
      const free = this.concurrency - this.inflight.size;
      if (free <= 0) break;
      const full = [...this.perEndpointInflight]
        .filter(([, n]) => n >= this.perEndpoint)
        .map(([id]) => id);
      const jobs = await this.store.claimDue(this.clock.now(), free, lease, {
        perEndpoint: this.perEndpoint,
        exclude: full,
      });
      if (jobs.length === 0) break;
      for (const job of jobs) this.launch(job);
      started += jobs.length;
    }
    return started;
  }

  private launch(job: DeliveryJob): void {
    const ep = job.endpoint.id;
    this.perEndpointInflight.set(ep, (this.perEndpointInflight.get(ep) ?? 0) + 1);
    const p: Promise<void> = this.attempt(job)
      .then((o) => (o ? this.record(o) : undefined))
      .catch((err: unknown) => this.opts.logger.error({ err }, 'webhook attempt failed'))
      .finally(() => {
        this.inflight.delete(p);
        const n = (this.perEndpointInflight.get(ep) ?? 1) - 1;
        if (n > 0) this.perEndpointInflight.set(ep, n);
        else this.perEndpointInflight.delete(ep);
        // A slot is free: refill it at once (no coalescing delay, the work is already due).
        if (this.stopped) return;
        if (this.running) this.again = true;
        else this.arm(0);
      });
    this.inflight.add(p);
  }

  /** Outcomes finishing together are committed in one transaction (log + next states). */
  private record(outcome: AttemptOutcome): Promise<void> {
    return new Promise((done, fail) => {
      this.toRecord.push({ outcome, done, fail });
      if (this.toRecord.length > 1) return;
      setImmediate(() => {
        const batch = this.toRecord;
        this.toRecord = [];
        this.store.recordAttempts(batch.map((b) => b.outcome)).then(
          () => batch.forEach((b) => b.done()),
          (e: unknown) => batch.forEach((b) => b.fail(e)),
        );
      });
    });
  }

  /**
   * Run until nothing is due now: fan out, send every due delivery and wait until every
   * outcome is recorded (retries that come due meanwhile are sent too). For tests and tools
   * that drive the dispatcher by hand with a fake clock. Returns the number of attempts made.
   */
  async runDue(): Promise<number> {
    let made = 0;
    for (;;) {
      made += await this.pump();
      if (this.inflight.size === 0) return made;
      await Promise.allSettled([...this.inflight]);
    }
  }

  /** Send one delivery; the outcome to record, or null when cut by shutdown. */
  private async attempt(job: DeliveryJob): Promise<AttemptOutcome | null> {
    const { delivery, endpoint, event } = job;
    const n = delivery.attempts + 1;
    const body = webhookBody(event);
    const startedAt = this.clock.now();
    const timestamp = Math.floor(startedAt / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Causette-Webhooks/1',
      'webhook-id': event.id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(
        endpoint,
        event.id,
        timestamp,
        body,
        startedAt,
        this.sodium,
      ),
    };
    const t0 = performance.now();
    const r = await this.send({
      url: endpoint.url,
      headers,
      body,
      timeoutMs: this.timeoutMs,
      allowPrivate: this.opts.allowPrivate,
      signal: this.aborter.signal,
    });
    if (r.error === 'aborted') return null; // shutting down: leave it leased, not failed
    const durationMs = Math.round(performance.now() - t0);
    const now = this.clock.now();
    const outcome: AttemptOutcome = {
      deliveryId: delivery.id,
      endpointId: endpoint.id,
      n,
      startedAt,
      durationMs,
      statusCode: r.statusCode,
      error: r.error,
      responseExcerpt: r.excerpt,
      next: { status: 'dead' },
      leasedUntil: delivery.nextAttemptAt,
    };
    this.stats.attempts += 1;
    const code = r.statusCode;
    if (code !== null && code >= 200 && code < 300) {
      outcome.next = { status: 'succeeded' };
      this.stats.succeeded += 1;
    } else if (code === 410) {
      // The receiver says this endpoint is gone for good: stop sending to it.
      outcome.disableEndpoint = 'gone';
      outcome.error ??= 'endpoint answered 410 Gone; disabled';
      this.stats.dead += 1;
    } else {
      this.stats.failed += 1;
      const delay = retryDelay(this.schedule, n, this.jitter, this.random);
      if (delay === null) this.stats.dead += 1;
      else {
        const asked = parseRetryAfter(r.retryAfter, now);
        const wait =
          asked === null ? delay : Math.max(delay, Math.min(asked, maxStep(this.schedule)));
        outcome.next = { status: 'pending', at: now + wait };
      }
    }
    this.opts.logger.debug(
      { delivery: delivery.id, event: event.id, n, status: code, next: outcome.next.status },
      'webhook attempt',
    );
    return outcome;
  }
}
