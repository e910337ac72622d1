/** First start: create the default app, its identity secret and one API key, shown once. */
import { randomBytes } from 'node:crypto';
import { newId } from '@causette/shared';
import type { Store } from './store/store.js';
import { DEFAULT_SETTINGS } from './store/sqlite/rows.js';
import { generateApiKey } from './auth/api-keys.js';

export interface BootstrapCredentials {
  appId: string;
  apiKey: string;
  identitySecret: string;
}

/** Returns the credentials when it created the app (the only time the API key is visible). */
export async function bootstrapDefaultApp(
  store: Store,
  allowedOrigins: string[],
): Promise<BootstrapCredentials | null> {
  if ((await store.countApps()) > 0) return null;
  const appId = `app_${newId().replace(/-/g, '').slice(0, 20)}`;
  const identitySecret = randomBytes(32).toString('base64url');
  await store.createApp({
    id: appId,
    name: 'Default app',
    identitySecret,
    allowedOrigins,
    settings: DEFAULT_SETTINGS,
    createdAt: Date.now(),
  });
  const k = generateApiKey();
  await store.createApiKey({ id: newId(), appId, name: 'default', prefix: k.prefix, hash: k.hash });
  await store.setMeta('default_app_id', appId);
  return { appId, apiKey: k.key, identitySecret };
}
