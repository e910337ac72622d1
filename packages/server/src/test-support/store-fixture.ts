/** A SQLite store in a temporary folder with the given apps created (store-level tests). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { DEFAULT_SETTINGS } from '../store/sqlite/rows.js';

export interface StoreFixture {
  store: SqliteStore;
  /** The database file (to open a second connection to it). */
  path: string;
  /** Close the store and open the same file again (a restart). */
  reopen(): Promise<SqliteStore>;
  cleanup(): Promise<void>;
}

export async function storeFixture(
  appIds: string[],
  opts: ConstructorParameters<typeof SqliteStore>[1] = {},
): Promise<StoreFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'causette-store-'));
  const path = join(dir, 'causette.db');
  const f: StoreFixture = {
    store: new SqliteStore(path, opts),
    path,
    async reopen() {
      await f.store.close();
      f.store = new SqliteStore(path, opts);
      return f.store;
    },
    async cleanup() {
      await f.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  for (const id of appIds) {
    await f.store.createApp({
      id,
      name: id,
      identitySecret: 's'.repeat(32),
      allowedOrigins: [],
      settings: DEFAULT_SETTINGS,
      createdAt: Date.now(),
    });
  }
  return f;
}
