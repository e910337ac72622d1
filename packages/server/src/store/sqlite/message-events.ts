/**
 * `message.created` webhook events, derived from the `messages` table instead of an outbox row
 * written with every message: the append hot path stays one row and its indexes. The fan-out
 * follows its own cursor over `messages.rowid` (rowids grow in commit order: SQLite has one
 * writer at a time) and materialises an outbox row only when an endpoint wants the event. The
 * event id is the message id, so a crash between commit and fan-out, or a replay, produces the
 * same `webhook-id` again.
 */
import type Database from 'better-sqlite3';
import type { Message } from '@causette/shared';
import { fromRaw, type RawRow } from './rows.js';
import { metaCursor } from './meta-cursor.js';

export const MESSAGE_CREATED = 'message.created';

export type MessageRow = RawRow & { rid: number; app_id: string; contact_id: string };

const SELECT = `SELECT m.rowid AS rid, m.*, t.app_id, t.contact_id
  FROM messages m JOIN threads t ON t.id = m.thread_id`;

/** The smallest message id (UUIDv7, time-ordered hex) that can carry a timestamp >= `ms`. */
export function idFloor(ms: number): string {
  const h = Math.max(0, Math.min(ms, 2 ** 48 - 1))
    .toString(16)
    .padStart(12, '0');
  return `${h.slice(0, 8)}-${h.slice(8)}`;
}

export function prepareMessageEvents(s: Database.Database) {
  const after = s.prepare<[number, number], MessageRow>(
    `${SELECT} WHERE m.rowid > ? ORDER BY m.rowid LIMIT ?`,
  );
  const inRange = s.prepare<[string, string, string, number], MessageRow>(
    `${SELECT} WHERE m.id >= ? AND m.id < ? AND t.app_id = ? ORDER BY m.id LIMIT ?`,
  );
  const byId = s.prepare<[string, string], MessageRow>(`${SELECT} WHERE m.id = ? AND t.app_id = ?`);
  const maxRowid = s.prepare<[], { m: number | null }>('SELECT max(rowid) AS m FROM messages');
  const insert = s.prepare(
    `INSERT INTO outbox (id, app_id, type, payload, created_at) VALUES (?,?,'${MESSAGE_CREATED}',?,?)
       ON CONFLICT (id) DO NOTHING`,
  );
  const cursor = metaCursor(s, 'message_fanout_cursor');

  /** Writes the event's outbox row (once; later calls change nothing); returns the event id. */
  const materialise = (r: MessageRow): string => {
    const message: Message = fromRaw(r);
    insert.run(r.id, r.app_id, JSON.stringify({ message, contactId: r.contact_id }), r.created_at);
    return r.id;
  };

  return {
    /** Messages committed after the fan-out cursor, oldest first (not yet materialised). */
    unfanned: (limit: number): MessageRow[] => after.all(cursor.get(), limit),
    materialise,
    setCursor: cursor.set,
    /** Nothing to fan out (no endpoint enabled): start after the newest message. */
    skipAll: () => cursor.set(maxRowid.get()?.m ?? 0),
    /** Event ids of the messages stored in [since, until) for one app, materialised. */
    inRange: (appId: string, since: number, until: number, limit: number): string[] =>
      inRange.all(idFloor(since), idFloor(until), appId, limit).map(materialise),
    /** The event of one message (its id is the event id), materialised; null if none. */
    byId(appId: string, id: string): string | null {
      const r = byId.get(id, appId);
      return r ? materialise(r) : null;
    },
  };
}
