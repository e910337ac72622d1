import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupWrite } from './group-write.js';
import { openDatabase } from './open.js';
import { SqliteContactStore } from './contacts-store.js';
import { storeFixture } from '../../test-support/store-fixture.js';

let dir: string;
let writer: Database.Database;
let reader: Database.Database;
let group: GroupWrite;
let insert: Database.Statement<{ id: string; v: string }>;
const put = (id: string, v = 'ok') =>
  group.add(() => {
    insert.run({ id, v });
    return id;
  });
const stored = () =>
  (reader.prepare('SELECT id FROM t ORDER BY id').all() as { id: string }[]).map((r) => r.id);

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'causette-group-'));
  writer = new Database(join(dir, 'g.db'));
  writer.pragma('journal_mode = WAL');
  writer.pragma('synchronous = FULL');
  writer.exec(`CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT NOT NULL);
    CREATE TRIGGER refuse BEFORE INSERT ON t WHEN NEW.v = 'bad'
      BEGIN SELECT RAISE(ABORT, 'refused row'); END;`);
  reader = new Database(join(dir, 'g.db'), { readonly: true });
  insert = writer.prepare('INSERT INTO t (id, v) VALUES (@id, @v)');
  group = new GroupWrite(writer);
});
afterEach(() => {
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('group write', () => {
  it('commits the writes queued in one event-loop turn in one transaction, then settles', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    const all = Promise.all(ids.map((id) => put(id)));
    expect(stored()).toEqual([]); // nothing is written before the turn ends
    expect(await all).toEqual(ids); // each caller gets its own write's result
    expect(stored()).toEqual(ids); // and all of it is committed when the promises resolve
    expect(group.stats).toEqual({ batches: 1, writes: 20 });
    await put('s');
    expect(group.stats).toEqual({ batches: 2, writes: 21 });
    // Requests arrive as separate callbacks of one event-loop phase, with the microtasks run
    // between them: still one transaction. (Immediates, not timers: each setTimeout reads the
    // clock again, so three of them can expire a millisecond apart, in two timer phases.)
    const spread = await new Promise<string[]>((resolve) => {
      const ps: Promise<string>[] = [];
      for (const id of ['t1', 't2', 't3']) setImmediate(() => ps.push(put(id)));
      setImmediate(() => resolve(Promise.all(ps)));
    });
    expect(spread).toEqual(['t1', 't2', 't3']);
    expect(group.stats).toEqual({ batches: 3, writes: 24 });
  });

  it('fails only the write that throws, and rolls back only what it wrote', async () => {
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((id) => put(id, id === 'c' ? 'bad' : 'ok')),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/refused row/);
    expect(stored()).toEqual(['a', 'b', 'd']);
    // A duplicate key fails alone too, and the rows around it are kept.
    const again = await Promise.allSettled(['e', 'a', 'f'].map((id) => put(id)));
    expect(again.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(stored()).toEqual(['a', 'b', 'd', 'e', 'f']);
    // A write that fails after writing a row leaves none of its rows behind.
    const half = group.add(() => {
      insert.run({ id: 'g', v: 'ok' });
      insert.run({ id: 'h', v: 'bad' });
    });
    await expect(half).rejects.toThrow(/refused row/);
    expect(stored()).toEqual(['a', 'b', 'd', 'e', 'f']);
    expect(group.stats.batches).toBe(3);
  });

  it('fails the whole batch, and runs nothing more, when SQLite rolled the transaction back', async () => {
    const results = await Promise.allSettled([
      put('a'),
      group.add(() => {
        writer.exec('ROLLBACK'); // as SQLite may do itself on SQLITE_FULL or SQLITE_IOERR
        throw new Error('disk full');
      }),
      put('b'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    for (const r of results)
      expect(String((r as PromiseRejectedResult).reason)).toMatch(/disk full/);
    expect(stored()).toEqual([]); // 'a' was undone with the transaction; 'b' never ran
    expect(writer.inTransaction).toBe(false);
    expect(await put('c')).toBe('c'); // and the next batch works
    expect(stored()).toEqual(['c']);
  });

  it('runs the writes in the order queued: a later one sees what an earlier one wrote', async () => {
    const count = writer.prepare('SELECT count(*) AS n FROM t');
    const seen = await Promise.all([
      put('x'),
      group.add(() => (count.get() as { n: number }).n),
      put('y'),
      group.add(() => (count.get() as { n: number }).n),
    ]);
    expect(seen).toEqual(['x', 1, 'y', 2]);
    expect(group.stats.batches).toBe(1);
  });

  it('writes what is queued at once on flush()', async () => {
    const p = put('x');
    group.flush();
    expect(stored()).toEqual(['x']);
    await p;
  });
});

describe('contact writes through the store', () => {
  it('new contacts are committed in groups, and a store closing writes the ones still queued', async () => {
    const f = await storeFixture(['app_g']);
    try {
      const made = await Promise.all(
        Array.from({ length: 30 }, () => f.store.createContact('app_g')),
      );
      expect(new Set(made.map((c) => c.id)).size).toBe(30);
      const db = new Database(f.path, { readonly: true });
      const count = () =>
        (db.prepare('SELECT count(*) AS n FROM contacts').get() as { n: number }).n;
      expect(count()).toBe(30);
      // Queued, not yet committed, when the store closes (a graceful shutdown).
      const pending = f.store.createContact('app_g');
      const reopened = await f.reopen();
      const late = await pending;
      expect(await reopened.getContact('app_g', late.id)).toMatchObject({ id: late.id });
      expect(count()).toBe(31);
      db.close();
    } finally {
      await f.cleanup();
    }
  });

  it('sign-ins and merges arriving together share one commit, each with its own result', async () => {
    const f = await storeFixture(['app_g']);
    const { sqlite, db } = openDatabase(f.path);
    try {
      const contacts = new SqliteContactStore(db, sqlite);
      const anon = await Promise.all([
        contacts.createContact('app_g'),
        contacts.createContact('app_g'),
      ]);
      const known = await contacts.upsertIdentifiedContact('app_g', 'user-0', { name: 'Old' });
      const before = { ...contacts.writes.stats };
      // One turn: three users sign in, one of them twice, and an earlier user signs in again.
      const [u1, u2, u1again, u3, u0] = await Promise.all([
        contacts.upsertIdentifiedContact('app_g', 'user-1', { name: 'Ann' }),
        contacts.upsertIdentifiedContact('app_g', 'user-2', {}),
        contacts.upsertIdentifiedContact('app_g', 'user-1', { email: 'ann@example.com' }),
        contacts.upsertIdentifiedContact('app_g', 'user-3', {}),
        contacts.upsertIdentifiedContact('app_g', 'user-0', { name: 'New' }),
      ]);
      expect(contacts.writes.stats.batches - before.batches).toBe(1);
      expect([u1.created, u2.created, u1again.created, u3.created, u0.created]).toEqual([
        true,
        true,
        false,
        true,
        false,
      ]);
      expect(u1again.contact).toMatchObject({
        id: u1.contact.id,
        name: 'Ann',
        email: 'ann@example.com',
      });
      expect(u0.contact).toMatchObject({ id: known.contact.id, name: 'New' });
      const events = sqlite
        .prepare("SELECT count(*) AS n FROM outbox WHERE type = 'contact.identified'")
        .get() as { n: number };
      expect(events.n).toBe(4); // user-0 to user-3, each once

      // Two merges in one turn, and one that is refused (already merged) in the next.
      const t1 = await f.store.createThread('app_g', anon[0]!.id);
      const t2 = await f.store.createThread('app_g', anon[1]!.id);
      const [m1, m2] = await Promise.all([
        contacts.mergeContact('app_g', anon[0]!.id, u1.contact.id),
        contacts.mergeContact('app_g', anon[1]!.id, u2.contact.id),
      ]);
      expect([m1, m2]).toEqual([
        { merged: true, threadIds: [t1.id] },
        { merged: true, threadIds: [t2.id] },
      ]);
      expect(await contacts.mergeContact('app_g', anon[0]!.id, u3.contact.id)).toEqual({
        merged: false,
        threadIds: [],
      });
      expect((await f.store.getThread('app_g', t1.id))?.contactId).toBe(u1.contact.id);
      expect((await f.store.getThread('app_g', t2.id))?.contactId).toBe(u2.contact.id);
    } finally {
      sqlite.close();
      await f.cleanup();
    }
  });

  it('a merge tells a refused merge from one that moved no threads', async () => {
    const f = await storeFixture(['app_g', 'app_h']);
    const { sqlite, db } = openDatabase(f.path);
    try {
      const contacts = new SqliteContactStore(db, sqlite);
      const user = await contacts.upsertIdentifiedContact('app_g', 'user-1', {});
      const other = await contacts.createContact('app_h');
      const fresh = await contacts.createContact('app_g');
      const merges = () =>
        (
          sqlite
            .prepare("SELECT count(*) AS n FROM outbox WHERE type = 'contact.merged'")
            .get() as {
            n: number;
          }
        ).n;
      // Refused: an identified contact, an unknown id, a contact of another app, itself.
      const refused = await Promise.all([
        contacts.mergeContact('app_g', user.contact.id, user.contact.id),
        contacts.mergeContact('app_g', 'no-such-contact', user.contact.id),
        contacts.mergeContact('app_g', other.id, user.contact.id),
        contacts.mergeContact('app_g', fresh.id, fresh.id),
      ]);
      for (const r of refused) expect(r).toEqual({ merged: false, threadIds: [] });
      expect(merges()).toBe(0);
      expect((await contacts.getContact('app_h', other.id))?.mergedInto).toBeNull();
      expect((await contacts.getContact('app_g', fresh.id))?.mergedInto).toBeNull();

      // A visitor who never started a thread is still merged: its old token must stop working.
      expect(await contacts.mergeContact('app_g', fresh.id, user.contact.id)).toEqual({
        merged: true,
        threadIds: [],
      });
      expect((await contacts.getContact('app_g', fresh.id))?.mergedInto).toBe(user.contact.id);
      expect(merges()).toBe(1);
    } finally {
      sqlite.close();
      await f.cleanup();
    }
  });
});
