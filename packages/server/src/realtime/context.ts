/** What realtime handlers need from the server, passed explicitly (no globals). */
import type { Bus } from '../bus/bus.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Messaging } from '../messaging.js';
import type { Store } from '../store/store.js';
import type { Hub } from './hub.js';

export interface RealtimeContext {
  store: Store;
  bus: Bus;
  hub: Hub;
  messaging: Messaging;
  config: Config;
  logger: Logger;
}
