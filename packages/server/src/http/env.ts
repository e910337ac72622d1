/** Types of the Hono app: what routes find in `c.env` and `c.var`. */
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Messaging } from '../messaging.js';
import type { Store } from '../store/store.js';
import type { Bus } from '../bus/bus.js';
import type { SessionSigner } from '../auth/visitor-token.js';
import type { UpgradeEnv } from '../realtime/ws-adapter.js';

export interface Services {
  store: Store;
  bus: Bus;
  messaging: Messaging;
  signer: SessionSigner;
  config: Config;
  logger: Logger;
  /** The webhook dispatcher: routes wake it after a change it should deliver soon. */
  webhooks: { wake(): void };
  /** Sockets a contact holds open now (the upgrade route caps them). */
  socketsOf(contactId: string): number;
  /** False until start-up finished and again once shutdown began. */
  isReady(): boolean;
}

export type AppEnv = {
  Bindings: Partial<UpgradeEnv> & { incoming?: { socket?: { remoteAddress?: string } } };
  Variables: { appId: string };
};
