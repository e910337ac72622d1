/**
 * Retention of the webhook log: finished deliveries (succeeded or dead) with their attempts,
 * and outbox events that were fanned out and no delivery refers to any more, once older than
 * a cut-off. Without it those tables grow for as long as the server runs.
 *
 * Each step reads at most `limit` rows of each table in rowid (creation) order and stops at
 * the first row created after the cut-off, so one step is one short transaction whatever the
 * size of the backlog; the caller yields to the event loop between steps.
 *
 * Messages are never touched: a `message.created` event is derived from its message, so a
 * replay still finds it after its outbox row is gone. Other events older than the cut-off can
 * no longer be replayed.
 */
import type Database from 'better-sqlite3';
import type { MetaCursor } from './meta-cursor.js';
import type { PruneCursor, PruneStep } from '../webhooks.js';

export function prepareRetention(sqlite: Database.Database, outboxFanOut: MetaCursor) {
  const deliveries = sqlite.prepare<
    [number, number],
    { rid: number; id: string; status: string; created_at: number; updated_at: number }
  >(
    `SELECT rowid AS rid, id, status, created_at, updated_at FROM webhook_deliveries
      WHERE rowid > ? ORDER BY rowid LIMIT ?`,
  );
  const dropAttempts = sqlite.prepare('DELETE FROM webhook_attempts WHERE delivery_id = ?');
  const dropDelivery = sqlite.prepare('DELETE FROM webhook_deliveries WHERE id = ?');
  const events = sqlite.prepare<[number, number], { rid: number; id: string; created_at: number }>(
    'SELECT rowid AS rid, id, created_at FROM outbox WHERE rowid > ? ORDER BY rowid LIMIT ?',
  );
  const endpoints = sqlite.prepare<[], { id: string }>('SELECT id FROM webhook_endpoints');
  // One unique-index seek per endpoint: there is no index on event_id alone.
  const referenced = sqlite.prepare<[string, string], { one: number }>(
    'SELECT 1 AS one FROM webhook_deliveries WHERE endpoint_id = ? AND event_id = ?',
  );
  const dropEvent = sqlite.prepare('DELETE FROM outbox WHERE rowid = ?');

  const step = (before: number, limit: number, from: PruneCursor): PruneStep => {
    let nDeliveries = 0;
    let deliveryAt = from.delivery;
    let deliveriesDone = false;
    const rows = deliveries.all(from.delivery, limit);
    for (const d of rows) {
      // A delivery is updated after it is created: none created later can be old enough.
      if (d.created_at >= before) {
        deliveriesDone = true;
        break;
      }
      deliveryAt = d.rid;
      if (d.status === 'pending' || d.updated_at >= before) continue;
      dropAttempts.run(d.id);
      dropDelivery.run(d.id);
      nDeliveries += 1;
    }
    if (rows.length < limit) deliveriesDone = true;

    let nEvents = 0;
    let eventAt = from.event;
    let eventsDone = false;
    const fannedUpTo = outboxFanOut.get();
    const eps = endpoints.all();
    const evs = events.all(from.event, limit);
    for (const e of evs) {
      // Not fanned out yet, or recent: it and everything after it stay (for now).
      if (e.rid > fannedUpTo || e.created_at >= before) {
        eventsDone = true;
        break;
      }
      eventAt = e.rid;
      if (eps.some((ep) => referenced.get(ep.id, e.id) !== undefined)) continue;
      dropEvent.run(e.rid);
      nEvents += 1;
    }
    if (evs.length < limit) eventsDone = true;

    return {
      deliveries: nDeliveries,
      events: nEvents,
      next: deliveriesDone && eventsDone ? null : { delivery: deliveryAt, event: eventAt },
    };
  };

  return {
    /** One step in one write transaction. */
    step: (before: number, limit: number, from: PruneCursor = { delivery: 0, event: 0 }) =>
      sqlite.transaction(() => step(before, limit, from)).immediate(),
  };
}
