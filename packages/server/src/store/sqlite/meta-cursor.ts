/** A rowid kept in the `meta` table (fan-out cursors, the bulk-order watermark). */
import type Database from 'better-sqlite3';

export interface MetaCursor {
  get(): number;
  /** Call inside the transaction whose work the new value covers. */
  set(rowid: number): void;
}

export function metaCursor(sqlite: Database.Database, key: string): MetaCursor {
  const read = sqlite.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const write = sqlite.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  return {
    get: () => Number(read.get(key)?.value ?? 0),
    set: (rowid) => void write.run(key, String(rowid)),
  };
}
