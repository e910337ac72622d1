import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupInsert } from './group-insert.js';
import { storeFixture } from '../../test-support/store-fixture.js';

let dir: string;
let writer: Database.Database;
let reader: Database.Database;
let group: GroupInsert<{ id: string; v: string }>;
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
  const insert = writer.prepare('INSERT INTO t (id, v) VALUES (@id, @v)');
  group = new GroupInsert(writer, (rows) => {
    for (const r of rows) insert.run(r);
  });
});
afterEach(() => {
  reader.close();
  writer.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('group insert', () => {
  it('commits the rows queued in one event-loop turn in one transaction, then settles', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, '0')}`);
    const all = Promise.all(ids.map((id) => group.add({ id, v: 'ok' })));
    expect(stored()).toEqual([]); // nothing is written before the turn ends
    await all;
    expect(stored()).toEqual(ids); // and all of it is committed when the promises resolve
    expect(group.stats).toEqual({ batches: 1, rows: 20 });
    await group.add({ id: 's', v: 'ok' });
    expect(group.stats).toEqual({ batches: 2, rows: 21 });
  });

  it('fails only the row that cannot be written', async () => {
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd'].map((id) => group.add({ id, v: id === 'c' ? 'bad' : 'ok' })),
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
    const again = await Promise.allSettled(['e', 'a', 'f'].map((id) => group.add({ id, v: 'ok' })));
    expect(again.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(stored()).toEqual(['a', 'b', 'd', 'e', 'f']);
  });

  it('writes what is queued at once on flush()', async () => {
    const p = group.add({ id: 'x', v: 'ok' });
    group.flush();
    expect(stored()).toEqual(['x']);
    await p;
  });
});

describe('new contacts through the store', () => {
  it('are committed in groups, and a store closing writes the ones still queued', async () => {
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
});
