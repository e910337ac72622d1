import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from './sqlite-store.js';
import { migrationsUpTo } from '../../test-support/old-migrations.js';

const APP = 'app_old';
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causette-fanout-upgrade-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A database as a server from before migration 0001 left it: every message wrote a
 * `message.created` outbox row (with an id of its own) in its transaction, and the fan-out had
 * handed the first `fanned` of them to the endpoint when the server stopped.
 */
function oldDatabase(path: string, messages: number, fanned: number): void {
  const old = new Database(path);
  migrate(drizzle(old), { migrationsFolder: migrationsUpTo(dir, 1) });
  const now = Date.now();
  old.exec(`
    INSERT INTO apps (id, name, identity_secret, created_at) VALUES ('${APP}', 'old', 's', ${now});
    INSERT INTO contacts (id, app_id, created_at, updated_at) VALUES ('c1', '${APP}', ${now}, ${now});
    INSERT INTO threads (id, app_id, contact_id, created_at, updated_at)
      VALUES ('t1', '${APP}', 'c1', ${now}, ${now});
    INSERT INTO webhook_endpoints (id, app_id, url, secret, created_at, updated_at)
      VALUES ('ep1', '${APP}', 'https://hooks.example/in', 'whsec_x', ${now}, ${now});`);
  const msg = old.prepare(
    `INSERT INTO messages (id, thread_id, seq, client_id, author_kind, text, created_at)
       VALUES (?, 't1', ?, ?, 'visitor', ?, ?)`,
  );
  const event = old.prepare(
    `INSERT INTO outbox (id, app_id, type, payload, created_at)
       VALUES (?, '${APP}', 'message.created', ?, ?)`,
  );
  const delivery = old.prepare(
    `INSERT INTO webhook_deliveries (id, app_id, endpoint_id, event_id, status, attempts,
       next_attempt_at, created_at, updated_at) VALUES (?, '${APP}', 'ep1', ?, 'delivered', 1, NULL, ?, ?)`,
  );
  for (let seq = 1; seq <= messages; seq++) {
    const message = { id: `m${seq}`, threadId: 't1', seq, clientId: `k${seq}`, text: `hi ${seq}` };
    msg.run(message.id, seq, message.clientId, message.text, now);
    const { lastInsertRowid } = event.run(`ev${seq}`, JSON.stringify({ message }), now);
    if (seq <= fanned) {
      delivery.run(`d${seq}`, `ev${seq}`, now, now);
      old
        .prepare(
          `INSERT INTO meta (key, value) VALUES ('outbox_fanout_cursor', ?)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
        )
        .run(String(lastInsertRowid));
    }
  }
  old.close();
}

/** Message ids each delivery to the endpoint is about, in delivery order. */
function deliveredMessages(path: string): string[] {
  const db = new Database(path, { readonly: true });
  try {
    return db
      .prepare<[], { payload: string }>(
        `SELECT o.payload FROM webhook_deliveries d JOIN outbox o ON o.id = d.event_id
           WHERE o.type = 'message.created' ORDER BY d.rowid`,
      )
      .all()
      .map((r) => (JSON.parse(r.payload) as { message: { id: string } }).message.id);
  } finally {
    db.close();
  }
}

describe('upgrade to message events derived from messages (migration 0001)', () => {
  it('fans out the messages whose events the old server had not handed out yet, once', async () => {
    const path = join(dir, 'causette.db');
    oldDatabase(path, 7, 4);
    const store = new SqliteStore(path);
    try {
      await store.fanOut(Date.now(), 100);
      await store.fanOut(Date.now(), 100);
    } finally {
      await store.close();
    }
    expect(deliveredMessages(path)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6', 'm7']);
  });

  it('starts after every message when the old server had handed out all their events', async () => {
    const path = join(dir, 'causette.db');
    oldDatabase(path, 5, 5);
    const store = new SqliteStore(path);
    try {
      expect(await store.fanOut(Date.now(), 100)).toBe(0);
    } finally {
      await store.close();
    }
    expect(deliveredMessages(path)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5']);
  });
});
