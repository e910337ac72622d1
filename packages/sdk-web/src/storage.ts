/** Pluggable key/value persistence: IndexedDB in browsers, in-memory elsewhere, or your own. */

/**
 * Async string storage the client keeps its session token and outbox in. Implement it over
 * anything (files, React Native AsyncStorage, localStorage); values are JSON strings.
 */
export interface KeyValueStorage {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/**
 * Storage that lives as long as the object (share one between clients to model two tabs).
 * @example const storage = memoryStorage(); createClient({ appId, url, storage });
 */
export function memoryStorage(): KeyValueStorage {
  const m = new Map<string, string>();
  return {
    get: async (k) => m.get(k),
    set: async (k, v) => void m.set(k, v),
    delete: async (k) => void m.delete(k),
  };
}

/**
 * IndexedDB-backed storage (one object store `kv` in database `dbName`). Survives reloads.
 * @example createClient({ appId, url, storage: indexedDbStorage('my-app-chat') });
 */
export function indexedDbStorage(dbName = 'causette'): KeyValueStorage {
  let db: Promise<IDBDatabase> | undefined;
  // Resolve when the transaction completes (durable), not merely when the request succeeds.
  const run = async <T>(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest<T>) => {
    db ??= new Promise((ok, fail) => {
      const r = indexedDB.open(dbName, 1);
      r.onupgradeneeded = () => r.result.createObjectStore('kv');
      r.onsuccess = () => ok(r.result);
      r.onerror = () => {
        db = undefined; // not kept: the next call tries to open it again
        fail(r.error);
      };
    });
    const tx = (await db).transaction('kv', mode);
    const req = op(tx.objectStore('kv'));
    return new Promise<T>((ok, fail) => {
      tx.oncomplete = () => ok(req.result);
      tx.onerror = tx.onabort = () => fail(tx.error);
    });
  };
  return {
    get: async (k) => {
      const v: unknown = await run('readonly', (s) => s.get(k));
      return typeof v === 'string' ? v : undefined;
    },
    set: (k, v) => run('readwrite', (s) => s.put(v, k)).then(() => {}),
    delete: (k) => run('readwrite', (s) => s.delete(k)),
  };
}

/** The default: IndexedDB when the platform has it, memory otherwise (Node). */
export function defaultStorage(): KeyValueStorage {
  return typeof indexedDB === 'undefined' ? memoryStorage() : indexedDbStorage();
}
