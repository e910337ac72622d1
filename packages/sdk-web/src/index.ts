/** @causette/sdk-web: headless chat client with resume, offline outbox and typed events. */
export { createClient } from './client.js';
export { State, type Reason } from './states.js';
export { backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff.js';
export { memoryStorage, indexedDbStorage, type KeyValueStorage } from './storage.js';
export type { CodedError } from './http.js';
export type {
  AppSettings,
  CausetteClient,
  Author,
  ClientEvents,
  ClientOptions,
  LocalMessage,
  MessageStatus,
  Metadata,
  Reader,
  Thread,
  ThreadHandle,
  Timers,
  WebSocketCtor,
  WebSocketLike,
} from './types.js';
