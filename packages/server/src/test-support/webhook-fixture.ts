/** An in-memory store with one app, a real receiver and one endpoint (`*`) pointing at it. */
import { newId } from '@causette/shared';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { DEFAULT_SETTINGS } from '../store/sqlite/rows.js';
import { generateSecret } from '../webhooks/signing.js';
import type { EndpointRecord } from '../store/webhooks.js';
import { startReceiver, type Receiver } from './receiver.js';

export interface WebhookFixture {
  store: SqliteStore;
  rx: Receiver;
  endpoint: EndpointRecord;
  close(): Promise<void>;
}

export async function webhookFixture(appId: string, now = Date.now()): Promise<WebhookFixture> {
  const store = new SqliteStore(':memory:');
  await store.createApp({
    id: appId,
    name: 'A',
    identitySecret: 's',
    allowedOrigins: [],
    settings: DEFAULT_SETTINGS,
    createdAt: 1,
  });
  const rx = await startReceiver();
  const endpoint: EndpointRecord = {
    id: newId(),
    appId,
    url: rx.url,
    description: '',
    events: ['*'],
    secret: generateSecret(),
    prevSecret: null,
    prevSecretExpiresAt: null,
    enabled: true,
    disabledReason: null,
    createdAt: now,
    updatedAt: now,
  };
  await store.createEndpoint(endpoint);
  return {
    store,
    rx,
    endpoint,
    async close() {
      await rx.close();
      await store.close();
    },
  };
}
