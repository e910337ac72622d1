/**
 * Wires store, bus, realtime hub and HTTP app into one HTTP+WebSocket server on one port.
 * @example
 * const s = await startServer({ port: 0, dataDir: './data' });
 * console.log(s.url, s.credentials); // credentials only on first start
 * await s.stop();
 */
import { createServer, type Server } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { CloseCode } from '@causette/shared';
import { resolveConfig, type Config } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { SqliteStore } from './store/sqlite/sqlite-store.js';
import type { Store } from './store/store.js';
import { MemoryBus } from './bus/memory-bus.js';
import type { Bus } from './bus/bus.js';
import { loadSodium } from './auth/sodium.js';
import { SessionSigner } from './auth/visitor-token.js';
import { MessageWriter } from './realtime/message-writer.js';
import { Messaging } from './messaging.js';
import { Hub } from './realtime/hub.js';
import { Connection } from './realtime/connection.js';
import { attachWebSockets, type UpgradeEnv } from './realtime/ws-adapter.js';
import { createHttpApp, type RouteModule } from './http/app.js';
import type { Services } from './http/env.js';
import { bootstrapDefaultApp, type BootstrapCredentials } from './bootstrap.js';
import { demoRoutes } from './http/routes/demo.js';
import { Dispatcher, type DispatcherOptions } from './webhooks/dispatcher.js';

/** Dispatcher tuning (retry schedule, timeout, clock); tests shorten the schedule. */
export type WebhookOptions = Partial<Omit<DispatcherOptions, 'store' | 'logger' | 'allowPrivate'>>;

export interface StartOptions extends Partial<Config> {
  /** Use this store instead of SQLite under dataDir (e.g. a PostgreSQL store). */
  store?: Store;
  /** Use this bus instead of the in-process one (e.g. Redis or NATS). */
  bus?: Bus;
  logger?: Logger;
  routes?: RouteModule[];
  webhooks?: WebhookOptions;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The default app's public id. */
  appId: string;
  /** The default app's identity secret (to sign identity JWTs in tests and examples). */
  identitySecret: string;
  /** Only on first start; afterwards null (it is stored hashed). */
  apiKey: string | null;
  /** Set on the first start of an empty database: the only time the API key is shown. */
  credentials: BootstrapCredentials | null;
  store: Store;
  writer: MessageWriter;
  hub: Hub;
  /** Delivers the outbox to webhook endpoints. */
  dispatcher: Dispatcher;
  http: Server;
  stop(): Promise<void>;
}

async function sessionKeys(store: Store) {
  const sodium = await loadSodium();
  let seed = await store.getMeta('session_seed');
  if (!seed) {
    seed = randomBytes(32).toString('base64');
    await store.setMeta('session_seed', seed);
  }
  const kp = sodium.crypto_sign_seed_keypair(new Uint8Array(Buffer.from(seed, 'base64')));
  return new SessionSigner(sodium, kp);
}

export async function startServer(opts: StartOptions = {}): Promise<RunningServer> {
  const {
    store: givenStore,
    bus: givenBus,
    logger: givenLogger,
    routes = [],
    webhooks: webhookOpts = {},
    ...partial
  } = opts;
  const config = resolveConfig(partial);
  const logger = givenLogger ?? createLogger(config.logLevel);
  let store = givenStore;
  if (!store) {
    const path = config.dbPath ?? join(config.dataDir, 'causette.db');
    if (path !== ':memory:')
      mkdirSync(config.dbPath ? join(path, '..') : config.dataDir, { recursive: true });
    store = new SqliteStore(path, { backgroundCheckpoints: true });
  }
  const bus = givenBus ?? new MemoryBus();
  const signer = await sessionKeys(store);
  const credentials = await bootstrapDefaultApp(store, config.allowedOrigins);
  const writer = new MessageWriter(store);
  const messaging = new Messaging(writer, bus, store);
  const hub = new Hub(bus, config.heartbeatMs);
  const dispatcher = new Dispatcher({
    store,
    logger,
    allowPrivate: config.allowPrivateWebhooks,
    ...webhookOpts,
  });
  // Live changes usually mean a new outbox event: deliver it now rather than at the next poll.
  const unwake = bus.subscribe((ev) => {
    if (ev.type !== 'typing') dispatcher.wake();
  });
  let ready = false;
  const services: Services = {
    store,
    bus,
    messaging,
    signer,
    config,
    logger,
    webhooks: dispatcher,
    socketsOf: (contactId) => hub.socketsOf(contactId),
    isReady: () => ready,
  };
  const app = createHttpApp(services, [...(config.demo ? [demoRoutes] : []), ...routes]);
  const listener = getRequestListener((req, env) => app.fetch(req, env));
  const http = createServer(listener);
  const rt = { store, bus, hub, messaging, config, logger };
  const closeWs = attachWebSockets(http, {
    fetch: (req: Request, env: UpgradeEnv) => app.fetch(req, env),
    logger,
    onOpen: (socket, who) => {
      // The upgrade route checked the count too; this closes the race of parallel upgrades.
      if (hub.socketsOf(who.contactId) >= config.maxSocketsPerContact) {
        socket.close(CloseCode.TooManyConnections, 'too many sockets for this visitor');
        return { onText: () => {}, onBinary: () => {}, onClosed: () => {} };
      }
      return new Connection(socket, who.appId, who.contactId, rt);
    },
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(config.port, config.host, () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
  ready = true;
  dispatcher.start();
  logger.info({ port, url, epoch: store.epoch }, 'listening');

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      ready = false;
      logger.info('shutting down: no new connections, committing pending messages');
      const closed = new Promise<void>((r) => http.close(() => r()));
      await writer.drain();
      unwake();
      await dispatcher.stop();
      hub.closeAll(CloseCode.GoingAway, 'server shutting down');
      closeWs();
      http.closeAllConnections();
      await closed;
      await bus.close();
      await store.close();
      logger.info('stopped');
    })());

  const appId = (await store.getMeta('default_app_id')) ?? '';
  const identitySecret = (await store.getApp(appId))?.identitySecret ?? '';
  return {
    url,
    port,
    appId,
    identitySecret,
    apiKey: credentials?.apiKey ?? null,
    credentials,
    store,
    writer,
    hub,
    dispatcher,
    http,
    stop,
  };
}
