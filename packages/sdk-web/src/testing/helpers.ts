/** Test helpers: a client wired to a fake server, and awaiting events instead of sleeping. */
import { createClient } from '../client.js';
import { memoryStorage, type KeyValueStorage } from '../storage.js';
import type { CausetteClient, ClientEvents, ClientOptions } from '../types.js';
import { FakeServer } from './fake-server.js';

/** Resolves with the next `type` event matching `pred` (registered before the action). */
export function next<K extends keyof ClientEvents>(
  client: CausetteClient,
  type: K,
  pred: (e: ClientEvents[K]) => boolean = () => true,
): Promise<ClientEvents[K]> {
  return new Promise((resolve) => {
    const off = client.on(type, (e) => {
      if (!pred(e)) return;
      off();
      resolve(e);
    });
  });
}

/** Resolves once the client reports `connected`. */
export const connected = (client: CausetteClient) =>
  next(client, 'state', (e) => e.newState === 'connected');

/** Lets queued microtasks and zero-delay work run (the fake network is microtask-based). */
export const settle = () => new Promise<void>((r) => setTimeout(r, 0));

export function makeClient(
  server: FakeServer,
  storage: KeyValueStorage = memoryStorage(),
  extra: Partial<ClientOptions> = {},
) {
  return createClient({
    appId: server.appId,
    url: 'http://chat.test',
    storage,
    WebSocket: server.WebSocket,
    fetch: server.fetch,
    backoff: { base: 1, cap: 1 },
    ...extra,
  });
}

/** A fake server and a connected client with an open (empty) thread. */
export async function setup(extra: Partial<ClientOptions> = {}) {
  const server = new FakeServer();
  const storage = memoryStorage();
  const client = makeClient(server, storage, extra);
  const up = connected(client);
  client.connect();
  await up;
  const thread = await client.openThread();
  return { server, storage, client, thread };
}
