/** A server whose webhooks may reach 127.0.0.1, and a real receiver for them. */
import type { StartOptions } from '../server.js';
import { serverFixture, type Fixture } from './fixtures.js';
import { startReceiver, type Receiver } from './receiver.js';

export interface WebhookServer {
  s: Fixture;
  rx: Receiver;
  close(): Promise<void>;
}

export async function webhookServer(
  webhooks: NonNullable<StartOptions['webhooks']>,
): Promise<WebhookServer> {
  const s = await serverFixture({ dbPath: ':memory:', allowPrivateWebhooks: true, webhooks });
  const rx = await startReceiver();
  return {
    s,
    rx,
    close: async () => {
      await rx.close();
      await s.cleanup();
    },
  };
}
