/** @causette/server: start a Causette server in-process, or use its parts. */
export { startServer, type StartOptions, type RunningServer } from './server.js';
export { resolveConfig, DEFAULT_CONFIG, type Config } from './config.js';
export type {
  Store,
  AppRecord,
  ContactRecord,
  MergeResult,
  ThreadRecord,
  AppendInput,
  AppendResult,
} from './store/store.js';
export { SqliteStore } from './store/sqlite/sqlite-store.js';
export type { Bus, BusEvent } from './bus/bus.js';
export { MemoryBus } from './bus/memory-bus.js';
export { signIdentityToken, verifyIdentityToken } from './auth/identity-jwt.js';
export type { BootstrapCredentials } from './bootstrap.js';
