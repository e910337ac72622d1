/**
 * SQLite side of the webhooks: endpoints, fan-out of outbox events into per-endpoint
 * deliveries, leased claims of due deliveries, the attempt log and replays. All retry state is
 * in these tables, so a restart picks up exactly where the last process stopped.
 */
import { and, desc, eq, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type Database from 'better-sqlite3';
import { WEBHOOK_TEST_EVENT, newId, type DeliveryStatus } from '@causette/shared';
import type {
  AttemptOutcome,
  AttemptRecord,
  DeliveryJob,
  DeliveryRecord,
  EndpointPatch,
  ClaimOptions,
  EndpointRecord,
  PruneCursor,
  PruneStep,
  ReplaySelection,
  WebhookStore,
} from '../webhooks.js';
import { prepareRetention } from './webhook-retention.js';
import type { Db } from './open.js';
import { outbox, webhookAttempts, webhookDeliveries, webhookEndpoints } from './schema.js';
import {
  DELIVERY_COLS,
  MAX_REPLAY,
  parseJson,
  subscribes,
  toDelivery,
  toEndpoint,
  type DeliveryRaw,
  type EndpointRow,
} from './webhooks-rows.js';
import { MESSAGE_CREATED, prepareMessageEvents } from './message-events.js';
import { metaCursor, type MetaCursor } from './meta-cursor.js';

function prepareWebhookStatements(s: Database.Database) {
  return {
    // Fan-out progress is one cursor (the last outbox rowid handled), not a flag per event:
    // no per-event UPDATE, no extra index maintained on every message insert. Rowids grow in
    // commit order because SQLite has a single writer at a time.
    unfanned: s.prepare<
      [number, number],
      { rid: number; id: string; app_id: string; type: string }
    >('SELECT rowid AS rid, id, app_id, type FROM outbox WHERE rowid > ? ORDER BY rowid LIMIT ?'),
    maxRowid: s.prepare<[], { m: number | null }>('SELECT max(rowid) AS m FROM outbox'),
    anyEnabled: s.prepare('SELECT 1 FROM webhook_endpoints WHERE enabled = 1 LIMIT 1'),
    anyDue: s.prepare<[number], { id: string }>(
      `SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND e.enabled = 1 LIMIT 1`,
    ),
    enabledEndpoints: s.prepare<[string], EndpointRow>(
      `SELECT id, events FROM webhook_endpoints WHERE app_id = ? AND enabled = 1`,
    ),
    insertDelivery: s.prepare(
      `INSERT INTO webhook_deliveries (id, app_id, endpoint_id, event_id, status, attempts,
           next_attempt_at, created_at, updated_at) VALUES (?,?,?,?, 'pending', 0, ?, ?, ?)
         ON CONFLICT (endpoint_id, event_id) DO UPDATE SET status = 'pending', attempts = 0,
           next_attempt_at = excluded.next_attempt_at, updated_at = excluded.updated_at`,
    ),
    enabledIds: s.prepare<[], { id: string }>('SELECT id FROM webhook_endpoints WHERE enabled = 1'),
    dueForEndpoint: s.prepare<
      [string, number, number],
      DeliveryRaw & { payload: string; created: number }
    >(
      `SELECT ${DELIVERY_COLS}, o.payload, o.created_at AS created
         FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id
        WHERE d.endpoint_id = ? AND d.status = 'pending' AND d.next_attempt_at <= ?
        ORDER BY d.next_attempt_at LIMIT ?`,
    ),
    lease: s.prepare('UPDATE webhook_deliveries SET next_attempt_at = ? WHERE id = ?'),
    nextDue: s.prepare<[], { t: number | null }>(
      `SELECT min(d.next_attempt_at) AS t FROM webhook_deliveries d
           JOIN webhook_endpoints e ON e.id = d.endpoint_id
          WHERE d.status = 'pending' AND e.enabled = 1`,
    ),
    deliveryById: s.prepare<[string, string, string], DeliveryRaw & { payload: string }>(
      `SELECT ${DELIVERY_COLS}, o.payload FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id
          WHERE d.id = ? AND d.app_id = ? AND d.endpoint_id = ?`,
    ),
    // The filter is applied here, as `subscribes` applies it (1 when it takes `*`,
    // then its types as JSON), so that the LIMIT counts the events the endpoint takes.
    eventsInRange: s.prepare<
      [string, number, number, number, string, number],
      { id: string; type: string }
    >(
      `SELECT id, type FROM outbox WHERE app_id = ? AND created_at >= ? AND created_at < ?
          AND type NOT IN ('${MESSAGE_CREATED}', '${WEBHOOK_TEST_EVENT}')
          AND (? = 1 OR type IN (SELECT value FROM json_each(?)))
        ORDER BY created_at, rowid LIMIT ?`,
    ),
    eventById: s.prepare<[string, string], { id: string; type: string }>(
      'SELECT id, type FROM outbox WHERE id = ? AND app_id = ?',
    ),
    insertEvent: s.prepare(
      'INSERT INTO outbox (id, app_id, type, payload, created_at) VALUES (?,?,?,?,?)',
    ),
  };
}
type WebhookStatements = ReturnType<typeof prepareWebhookStatements>;

export class SqliteWebhookStore implements WebhookStore {
  private readonly q: WebhookStatements;
  private readonly messageEvents: ReturnType<typeof prepareMessageEvents>;
  private readonly cursor: MetaCursor;
  private readonly retention: ReturnType<typeof prepareRetention>;

  constructor(
    private readonly db: Db,
    private readonly sqlite: Database.Database,
  ) {
    this.q = prepareWebhookStatements(sqlite);
    this.messageEvents = prepareMessageEvents(sqlite);
    this.cursor = metaCursor(sqlite, 'outbox_fanout_cursor');
    this.retention = prepareRetention(sqlite, this.cursor);
  }

  async createEndpoint(e: EndpointRecord): Promise<void> {
    this.sqlite
      .transaction(() => {
        if (e.enabled) this.settlePending(Date.now());
        this.db
          .insert(webhookEndpoints)
          .values({ ...e, events: JSON.stringify(e.events) })
          .run();
      })
      .immediate();
  }

  async listEndpoints(appId: string): Promise<EndpointRecord[]> {
    return this.db
      .select()
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.appId, appId))
      .orderBy(webhookEndpoints.createdAt)
      .all()
      .map(toEndpoint);
  }

  async getEndpoint(appId: string, endpointId: string): Promise<EndpointRecord | null> {
    const r = this.db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.appId, appId), eq(webhookEndpoints.id, endpointId)))
      .get();
    return r ? toEndpoint(r) : null;
  }

  async updateEndpoint(
    appId: string,
    endpointId: string,
    patch: EndpointPatch,
  ): Promise<EndpointRecord | null> {
    const { events, ...rest } = patch;
    const set = {
      ...rest,
      ...(events === undefined ? {} : { events: JSON.stringify(events) }),
      updatedAt: Date.now(),
    };
    this.sqlite
      .transaction(() => {
        if (patch.enabled === true) this.settlePending(set.updatedAt);
        this.db
          .update(webhookEndpoints)
          .set(set)
          .where(and(eq(webhookEndpoints.appId, appId), eq(webhookEndpoints.id, endpointId)))
          .run();
      })
      .immediate();
    return this.getEndpoint(appId, endpointId);
  }

  async deleteEndpoint(appId: string, endpointId: string): Promise<boolean> {
    return this.sqlite
      .transaction(() => {
        const r = this.db
          .delete(webhookEndpoints)
          .where(and(eq(webhookEndpoints.appId, appId), eq(webhookEndpoints.id, endpointId)))
          .run();
        return r.changes > 0;
      })
      .immediate();
  }

  async fanOut(now: number, limit: number): Promise<number> {
    // No endpoint enabled anywhere: nothing to write (no cost for servers without webhooks).
    if (this.q.anyEnabled.get() === undefined) return 0;
    return this.sqlite.transaction(() => this.fanOutBatch(now, limit)).immediate();
  }

  private fanOutBatch(now: number, limit: number): number {
    const byApp = new Map<string, string[][]>();
    /** The endpoints of `appId` that want events of `type`. */
    const wanting = (appId: string, type: string): string[] => {
      let eps = byApp.get(appId);
      if (!eps) {
        const rows = this.q.enabledEndpoints.all(appId);
        byApp.set(appId, (eps = rows.map((e) => [e.id, ...parseJson<string[]>(e.events, [])])));
      }
      return eps.filter(([, ...events]) => subscribes(events, type)).map(([id]) => id!);
    };
    const deliver = (appId: string, eventId: string, endpointIds: string[]) => {
      for (const ep of endpointIds)
        this.q.insertDelivery.run(newId(now), appId, ep, eventId, now, now, now);
    };

    const events = this.q.unfanned.all(this.cursor.get(), limit);
    for (const ev of events) {
      // Rows written by the message fan-out below (or a replay) already have their deliveries.
      if (ev.type === MESSAGE_CREATED) continue;
      deliver(ev.app_id, ev.id, wanting(ev.app_id, ev.type));
    }
    const last = events[events.length - 1];
    if (last) this.cursor.set(last.rid);

    const messages = this.messageEvents.unfanned(limit);
    for (const m of messages) {
      const eps = wanting(m.app_id, MESSAGE_CREATED);
      if (eps.length > 0) deliver(m.app_id, this.messageEvents.materialise(m), eps);
    }
    const lastMessage = messages[messages.length - 1];
    if (lastMessage) this.messageEvents.setCursor(lastMessage.rid);
    return events.length + messages.length;
  }

  /**
   * Before an endpoint is created or enabled (same transaction): hand every pending event to
   * the endpoints enabled until now, so the new one starts with events from now on.
   */
  private settlePending(now: number): void {
    if (this.q.anyEnabled.get() === undefined) {
      this.cursor.set(this.q.maxRowid.get()?.m ?? 0);
      this.messageEvents.skipAll();
    } else while (this.fanOutBatch(now, 500) > 0);
  }

  async claimDue(
    now: number,
    limit: number,
    leaseMs: number,
    opts: ClaimOptions = {},
  ): Promise<DeliveryJob[]> {
    // A plain read first: most passes find nothing due and need no write lock.
    if (this.q.anyDue.get(now) === undefined) return [];
    const per = opts.perEndpoint ?? limit;
    const exclude = new Set(opts.exclude ?? []);
    return this.sqlite
      .transaction(() => {
        // Per endpoint (an index seek each), so one endpoint's backlog never hides another's.
        const rows = this.q.enabledIds
          .all()
          .filter((e) => !exclude.has(e.id))
          .flatMap((e) => this.q.dueForEndpoint.all(e.id, now, per))
          .sort((a, b) => (a.next_attempt_at ?? 0) - (b.next_attempt_at ?? 0))
          .slice(0, limit);
        const endpoints = new Map<string, EndpointRecord>();
        const jobs: DeliveryJob[] = [];
        for (const r of rows) {
          r.next_attempt_at = now + leaseMs;
          this.q.lease.run(r.next_attempt_at, r.id);
          let ep = endpoints.get(r.endpoint_id);
          if (!ep) {
            const row = this.db
              .select()
              .from(webhookEndpoints)
              .where(eq(webhookEndpoints.id, r.endpoint_id))
              .get();
            if (!row) continue;
            endpoints.set(r.endpoint_id, (ep = toEndpoint(row)));
          }
          jobs.push({
            delivery: toDelivery(r),
            endpoint: ep,
            event: {
              id: r.event_id,
              appId: r.app_id,
              type: r.event_type,
              payload: parseJson<unknown>(r.payload, null),
              createdAt: r.created,
            },
          });
        }
        return jobs;
      })
      .immediate();
  }

  async recordAttempts(os: AttemptOutcome[]): Promise<void> {
    if (os.length === 0) return;
    this.sqlite
      .transaction(() => {
        for (const o of os) this.recordOne(o);
      })
      .immediate();
  }

  private recordOne(o: AttemptOutcome): void {
    {
      this.db
        .insert(webhookAttempts)
        .values({
          id: newId(o.startedAt),
          deliveryId: o.deliveryId,
          n: o.n,
          startedAt: o.startedAt,
          durationMs: o.durationMs,
          statusCode: o.statusCode,
          error: o.error,
          responseExcerpt: o.responseExcerpt,
        })
        .run();
      // Only under the lease this attempt was claimed with: a replay (or a new claim after the
      // lease ran out) that happened while it was in flight keeps its own state.
      const d = webhookDeliveries;
      this.db
        .update(d)
        .set({
          status: o.next.status,
          attempts: o.n,
          nextAttemptAt: o.next.status === 'pending' ? o.next.at : null,
          lastStatusCode: o.statusCode,
          lastError: o.error,
          updatedAt: o.startedAt + o.durationMs,
        })
        .where(
          and(
            eq(d.id, o.deliveryId),
            eq(d.status, 'pending'),
            o.leasedUntil === null ? isNull(d.nextAttemptAt) : eq(d.nextAttemptAt, o.leasedUntil),
          ),
        )
        .run();
      if (o.disableEndpoint !== undefined) {
        this.db
          .update(webhookEndpoints)
          .set({ enabled: false, disabledReason: o.disableEndpoint, updatedAt: o.startedAt })
          .where(eq(webhookEndpoints.id, o.endpointId))
          .run();
      }
    }
  }

  async pruneWebhookLog(before: number, limit: number, from?: PruneCursor): Promise<PruneStep> {
    return this.retention.step(before, limit, from);
  }

  async nextDueAt(): Promise<number | null> {
    return this.q.nextDue.get()?.t ?? null;
  }

  async listDeliveries(
    appId: string,
    endpointId: string,
    q: { status?: DeliveryStatus; after?: { createdAt: number; id: string }; limit: number },
  ): Promise<DeliveryRecord[]> {
    const d = webhookDeliveries;
    const conds: (SQL | undefined)[] = [eq(d.appId, appId), eq(d.endpointId, endpointId)];
    if (q.status) conds.push(eq(d.status, q.status));
    if (q.after) {
      conds.push(
        or(
          lt(d.createdAt, q.after.createdAt),
          and(eq(d.createdAt, q.after.createdAt), lt(d.id, q.after.id)),
        ),
      );
    }
    return this.db
      .select({ d, type: outbox.type })
      .from(d)
      .innerJoin(outbox, eq(outbox.id, d.eventId))
      .where(and(...conds))
      .orderBy(desc(d.createdAt), desc(d.id))
      .limit(q.limit)
      .all()
      .map(({ d: r, type }) => ({ ...r, eventType: type }));
  }

  async getDelivery(
    appId: string,
    endpointId: string,
    deliveryId: string,
  ): Promise<{ delivery: DeliveryRecord; payload: unknown; attempts: AttemptRecord[] } | null> {
    const r = this.q.deliveryById.get(deliveryId, appId, endpointId);
    if (!r) return null;
    const attempts = this.db
      .select({
        n: webhookAttempts.n,
        startedAt: webhookAttempts.startedAt,
        durationMs: webhookAttempts.durationMs,
        statusCode: webhookAttempts.statusCode,
        error: webhookAttempts.error,
        responseExcerpt: webhookAttempts.responseExcerpt,
      })
      .from(webhookAttempts)
      .where(eq(webhookAttempts.deliveryId, deliveryId))
      .orderBy(webhookAttempts.startedAt, sql`rowid`)
      .all();
    return { delivery: toDelivery(r), payload: parseJson<unknown>(r.payload, null), attempts };
  }

  async replay(
    appId: string,
    endpointId: string,
    sel: ReplaySelection,
    now: number,
  ): Promise<number> {
    return this.sqlite
      .transaction(() => {
        const ep = this.db
          .select()
          .from(webhookEndpoints)
          .where(and(eq(webhookEndpoints.appId, appId), eq(webhookEndpoints.id, endpointId)))
          .get();
        if (!ep) return 0;
        const wants = parseJson<string[]>(ep.events, []);
        const events =
          'eventId' in sel
            ? this.eventById(appId, sel.eventId)
            : this.eventsInRange(appId, sel.since, sel.until, wants);
        for (const ev of events) {
          this.q.insertDelivery.run(newId(now), appId, endpointId, ev.id, now, now, now);
        }
        return events.length;
      })
      .immediate();
  }

  /** An outbox event, or the `message.created` event of the message with that id. */
  private eventById(appId: string, id: string): { id: string; type: string }[] {
    const stored = this.q.eventById.all(id, appId);
    if (stored.length > 0) return stored;
    const m = this.messageEvents.byId(appId, id);
    return m ? [{ id: m, type: MESSAGE_CREATED }] : [];
  }

  /**
   * The events of [since, until) an endpoint with filter `wants` takes, up to MAX_REPLAY of
   * them (the cap counts the events it takes, not the rows read past);
   * `message.created` events are materialised only when it takes them.
   */
  private eventsInRange(appId: string, since: number, until: number, wants: string[]) {
    const all = wants.includes('*') ? 1 : 0;
    const stored = this.q.eventsInRange.all(
      appId,
      since,
      until,
      all,
      JSON.stringify(wants),
      MAX_REPLAY,
    );
    if (!subscribes(wants, MESSAGE_CREATED)) return stored;
    const messages = this.messageEvents
      .inRange(appId, since, until, MAX_REPLAY - stored.length)
      .map((id) => ({ id, type: MESSAGE_CREATED }));
    return [...stored, ...messages];
  }

  async createTestEvent(
    appId: string,
    endpointId: string,
    now: number,
  ): Promise<{ eventId: string; deliveryId: string }> {
    return this.sqlite
      .transaction(() => {
        const eventId = newId(now);
        const deliveryId = newId(now);
        const payload = { endpointId, message: 'Causette test ping' };
        this.q.insertEvent.run(eventId, appId, WEBHOOK_TEST_EVENT, JSON.stringify(payload), now);
        this.q.insertDelivery.run(deliveryId, appId, endpointId, eventId, now, now, now);
        return { eventId, deliveryId };
      })
      .immediate();
  }
}
